#include "api/detail/tokens.h"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace cwlogd::api::detail {
namespace {

constexpr uint64_t kCheckModulus = 100'000'000'000ULL;  // 11 digits
constexpr uint64_t kMaxIndex = 99'999;                  // 5 digits

bool ParseDigits(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

uint64_t StreamTokenCheck(bool forward, uint64_t ts_field, uint64_t seq, uint64_t index,
                          const storage::Partition& partition, uint64_t group_id,
                          uint64_t stream_id) {
  uint64_t h = Mix(PartitionSeed(partition) ^ 0x6c6f67732d746f6bULL);
  h = Mix(h ^ group_id);
  h = Mix(h ^ stream_id);
  h = Mix(h ^ (forward ? 0x66 : 0x62));
  h = Mix(h ^ ts_field);
  h = Mix(h ^ seq);
  h = Mix(h ^ index);
  return h % kCheckModulus;
}

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  size_t rest = in.size() - i;
  if (rest) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    if (rest == 2) out += kBase64[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  std::array<int, 256> table;
  table.fill(-1);
  for (size_t k = 0; k < kBase64.size(); ++k)
    table[static_cast<unsigned char>(kBase64[k])] = static_cast<int>(k);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t HashBytes(std::string_view bytes, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ Mix(seed);  // FNV-1a, then mixed
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

uint64_t PartitionSeed(const storage::Partition& partition) {
  // The account is 12 digits, so "\n" cannot be part of it: distinct partitions hash apart.
  return HashBytes(partition.account + "\n" + partition.region, 0x746f6b656e);
}

std::string EncodeStreamToken(const StreamToken& token, const storage::Partition& partition,
                              uint64_t group_id, uint64_t stream_id) {
  uint64_t ts_field = 0, seq = 0, index = 0;
  if (token.key) {
    ts_field = static_cast<uint64_t>(token.key->timestamp) + 1;
    seq = token.key->sequence;
    index = token.key->index;
  }
  uint64_t check =
      StreamTokenCheck(token.forward, ts_field, seq, index, partition, group_id, stream_id);
  return fmt::format("{}/{:020}{:020}{:05}{:011}/s", token.forward ? 'f' : 'b', ts_field, seq,
                     index, check);
}

std::optional<StreamToken> DecodeStreamToken(std::string_view text,
                                             const storage::Partition& partition, uint64_t group_id,
                                             uint64_t stream_id) {
  if (text.ends_with("/s")) text.remove_suffix(2);
  if (text.size() != 2 + 56 || text[1] != '/' || (text[0] != 'f' && text[0] != 'b')) {
    return std::nullopt;
  }
  bool forward = text[0] == 'f';
  std::string_view digits = text.substr(2);
  uint64_t ts_field = 0, seq = 0, index = 0, check = 0;
  if (!ParseDigits(digits.substr(0, 20), &ts_field) || !ParseDigits(digits.substr(20, 20), &seq) ||
      !ParseDigits(digits.substr(40, 5), &index) || !ParseDigits(digits.substr(45, 11), &check)) {
    return std::nullopt;
  }
  if (check != StreamTokenCheck(forward, ts_field, seq, index, partition, group_id, stream_id)) {
    return std::nullopt;
  }
  StreamToken token;
  token.forward = forward;
  if (ts_field == 0) {
    if (seq != 0 || index != 0) return std::nullopt;
    return token;
  }
  if (ts_field - 1 > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
      index > kMaxIndex) {
    return std::nullopt;
  }
  token.key =
      storage::EventKey{static_cast<int64_t>(ts_field - 1), seq, static_cast<uint32_t>(index)};
  return token;
}

std::string EventId(const storage::EventKey& key, uint64_t group_id) {
  // Written digit by digit: every subscription payload and FilterLogEvents page holds one per
  // event, and fmt::format took a fifth of the subscription delivery thread (callgrind).
  const auto put = [](char* end, uint64_t v, int width) {
    for (int k = 0; k < width; ++k) {
      *--end = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  const uint64_t ts = key.timestamp < 0 ? 0 : static_cast<uint64_t>(key.timestamp);
  std::string id(56, '0');
  put(id.data() + 20, ts, 20);
  put(id.data() + 40, key.sequence, 20);
  put(id.data() + 45, key.index % (kMaxIndex + 1), 5);
  put(id.data() + 56, Mix(group_id ^ 0x6576656e74ULL) % kCheckModulus, 11);
  return id;
}

std::string SequenceToken(uint64_t stream_id, uint64_t upload_sequence) {
  uint64_t a = Mix(stream_id ^ 0x7365712d746f6bULL);
  return fmt::format("{:020}{:016}{:020}", a, Mix(a) % 10'000'000'000'000'000ULL, upload_sequence);
}

TokenWriter& TokenWriter::U64(uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) bytes_.push_back(static_cast<char>(v >> shift));
  return *this;
}

TokenWriter& TokenWriter::Str(std::string_view s) {
  U64(s.size());
  bytes_.append(s);
  return *this;
}

std::string TokenWriter::Finish() const {
  std::string out = bytes_;
  uint64_t check = HashBytes(bytes_, seed_);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(check >> shift));
  return Base64UrlEncode(out);
}

TokenReader::TokenReader(std::string_view text, char kind, const storage::Partition& partition) {
  auto decoded = Base64UrlDecode(text);
  if (!decoded || decoded->size() < 1 + 8 || (*decoded)[0] != kind) return;
  std::string_view body(decoded->data(), decoded->size() - 8);
  uint64_t check = 0;
  for (size_t i = body.size(); i < decoded->size(); ++i) {
    check = (check << 8) | static_cast<unsigned char>((*decoded)[i]);
  }
  if (check != HashBytes(body, PartitionSeed(partition))) return;
  bytes_.assign(body);
  ok_ = true;
}

uint64_t TokenReader::U64() {
  if (!ok_ || bytes_.size() - pos_ < 8) {
    ok_ = false;
    return 0;
  }
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes_[pos_++]);
  return v;
}

std::string TokenReader::Str() {
  uint64_t n = U64();
  if (!ok_ || bytes_.size() - pos_ < n) {
    ok_ = false;
    return {};
  }
  std::string s = bytes_.substr(pos_, n);
  pos_ += n;
  return s;
}

}  // namespace cwlogd::api::detail
