// Giving memory back to the system after bursts of large buffers (request bodies, answers):
// left alone, glibc keeps freed memory in its heaps and the server's RSS stays at its peak.
#pragma once

namespace cwlogd::server {

// Process-wide allocator settings; call once at start-up, before any thread starts. Buffers of
// 128 KiB and more get their own mappings, returned to the system when freed (glibc would
// otherwise raise that threshold to the largest buffer freed so far, up to 32 MiB, and keep
// later ones in its heaps).
void TuneAllocator();

// Hands free heap pages back to the system (glibc's malloc_trim). Costs a few ms on a large
// heap: call it now and then, after the server held much memory.
void ReturnFreedMemory();

}  // namespace cwlogd::server
