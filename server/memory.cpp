#include "server/memory.h"

#include <cstdlib>  // defines __GLIBC__ (through <features.h>) on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace cwlogd::server {

void TuneAllocator() {
#if defined(__GLIBC__)
  constexpr int kOwnMappingBytes = 128 << 10;
  mallopt(M_MMAP_THRESHOLD, kOwnMappingBytes);
#endif
}

void ReturnFreedMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace cwlogd::server
