#include "storage/term_sketch.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "storage/log_store.h"

namespace cwlogd::storage {
namespace {

// Stored form: kSketchV1, log2 of the bit count, then the bits (bit i = byte i/8, 1 << i%8).
constexpr char kSketchV1 = 'T';        // DO NOT CHANGE: on-disk
constexpr unsigned kMinLog2Bits = 10;  // 128 bytes
constexpr unsigned kMaxLog2Bits = 14;  // 2 KiB: ~2 bytes per event of 1000-event batches

// The trigram starting at p[0]: p[0] | p[1] << 8 | p[2] << 16.  DO NOT CHANGE: on-disk
inline uint32_t Trigram(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16);
}

// The same trigram with one 4-byte load; p[3] must be readable.
inline uint32_t TrigramFromWord(const unsigned char* p) {
  uint32_t word;
  std::memcpy(&word, p, sizeof word);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap32(word);
  return word & 0xFFFFFFu;
}

inline uint32_t TrigramBit(uint32_t trigram, unsigned log2_bits) {
  return (trigram * 0x9E3779B1u) >> (32 - log2_bits);  // DO NOT CHANGE: on-disk
}

}  // namespace

void TermSketch::Append(std::span<const InputEvent> events, uint64_t message_bytes,
                        std::string* out) {
  if (message_bytes < kMinMessageBytes) return;
  // About one bit per 8 message bytes: distinct trigrams grow much slower than bytes (1000
  // nginx lines, 140 KB, hold ~2,500), so even the largest chunks stay sparse.
  const unsigned log2_bits = std::clamp<unsigned>(
      static_cast<unsigned>(std::bit_width(message_bytes - 1)) - 3, kMinLog2Bits, kMaxLog2Bits);
  const size_t slots = size_t{1} << log2_bits;
  // One byte per bit while hashing: plain stores, no read-modify-write of shared bytes in the
  // loop that touches every message byte (a third of the cost of the bit version here).
  thread_local std::vector<unsigned char> seen_storage;
  seen_storage.assign(slots, 0);
  // Locals, not members: a store through unsigned char* may alias anything, and the compiler
  // would reload the vector's pointer and the message size after every store.
  unsigned char* const seen = seen_storage.data();
  for (const InputEvent& e : events) {
    // Trigrams inside one message only: a term never spans two messages.
    const auto* text = reinterpret_cast<const unsigned char*>(e.message.data());
    const size_t size = e.message.size();
    if (size < 3) continue;
    // Each trigram loaded on its own (no shift register carried from byte to byte, which
    // made this loop latency-bound at ~3 cycles a byte).
    size_t i = 0;
    for (; i + 4 <= size; ++i) seen[TrigramBit(TrigramFromWord(text + i), log2_bits)] = 1;
    for (; i + 3 <= size; ++i) seen[TrigramBit(Trigram(text + i), log2_bits)] = 1;
  }
  const size_t header = out->size();
  out->resize(header + 2 + slots / 8, '\0');
  (*out)[header] = kSketchV1;
  (*out)[header + 1] = static_cast<char>(log2_bits);
  auto* bits = reinterpret_cast<unsigned char*>(out->data() + header + 2);
  for (size_t byte = 0; byte < slots / 8; ++byte) {
    unsigned value = 0;
    for (unsigned bit = 0; bit < 8; ++bit)
      value |= static_cast<unsigned>(seen[byte * 8 + bit]) << bit;
    bits[byte] = static_cast<unsigned char>(value);
  }
}

std::optional<TermSketch> TermSketch::Parse(std::string_view stored) {
  if (stored.size() < 2 || stored[0] != kSketchV1) return std::nullopt;
  const auto log2_bits = static_cast<unsigned char>(stored[1]);
  if (log2_bits < kMinLog2Bits || log2_bits > kMaxLog2Bits) return std::nullopt;
  std::string_view bits = stored.substr(2);
  if (bits.size() != (size_t{1} << log2_bits) / 8) return std::nullopt;
  return TermSketch(bits, log2_bits);
}

bool TermSketch::MayContain(std::string_view term) const {
  const auto* text = reinterpret_cast<const unsigned char*>(term.data());
  for (size_t i = 0; i + 3 <= term.size(); ++i) {
    const uint32_t bit = TrigramBit(Trigram(text + i), log2_bits_);
    if ((static_cast<unsigned char>(bits_[bit >> 3]) & (1u << (bit & 7))) == 0) return false;
  }
  return true;
}

}  // namespace cwlogd::storage
