// A chunk's term sketch: which 3-byte sequences occur inside its messages, hashed into a small
// bitset stored after the ChunkInfo of the chunk's group-directory index entry. A term none
// of whose trigrams is set cannot occur in any message of the chunk, so a term search skips
// the chunk from the index alone, without reading or decompressing it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cwlogd::storage {

struct InputEvent;

class TermSketch {
 public:
  // Chunks with fewer message bytes get no sketch (they are cheap to decompress and a sketch
  // would be a large share of their size).
  static constexpr uint64_t kMinMessageBytes = 2048;

  // Appends the sketch of `events`' messages (`message_bytes` in all) to *out; nothing for
  // a chunk below kMinMessageBytes.
  static void Append(std::span<const InputEvent> events, uint64_t message_bytes, std::string* out);

  // Reads a sketch from the bytes after an index entry's ChunkInfo. nullopt when there is
  // none (a small chunk, or one written before sketches existed) or it is malformed.
  // The result points into `stored`.
  static std::optional<TermSketch> Parse(std::string_view stored);

  // False only when `term` occurs in no message of the chunk. True for terms shorter than
  // three bytes.
  bool MayContain(std::string_view term) const;

 private:
  TermSketch(std::string_view bits, unsigned log2_bits) : bits_(bits), log2_bits_(log2_bits) {}

  std::string_view bits_;
  unsigned log2_bits_;
};

}  // namespace cwlogd::storage
