#include "api/detail/insights.h"

#include <array>
#include <random>

#include "api/detail/tokens.h"

namespace cwlogd::api::detail {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void PutHex(char* out, uint64_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = kHex[v & 0xf];
    v >>= 4;
  }
}

bool GetHex(std::string_view text, uint64_t* v) {
  uint64_t r = 0;
  for (char c : text) {
    int d = 0;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;
    }
    r = (r << 4) | static_cast<uint64_t>(d);
  }
  *v = r;
  return true;
}

}  // namespace

std::string NewUuid() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  std::array<uint8_t, 16> b{};
  const uint64_t hi = rng();
  const uint64_t lo = rng();
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(hi >> (8 * i));
    b[8 + i] = static_cast<uint8_t>(lo >> (8 * i));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

std::string EncodeRecordPointer(const storage::Partition& p, const RecordRef& ref) {
  return TokenWriter(token_kind::kRecordPointer, p)
      .Str(ref.group)
      .U64(ref.group_id)
      .U64(static_cast<uint64_t>(ref.key.timestamp))
      .U64(ref.key.sequence)
      .U64(ref.key.index)
      .Finish();
}

std::optional<RecordRef> DecodeRecordPointer(std::string_view text, const storage::Partition& p) {
  TokenReader token(text, token_kind::kRecordPointer, p);
  if (!token.ok()) return std::nullopt;
  RecordRef ref;
  ref.group = token.Str();
  ref.group_id = token.U64();
  ref.key.timestamp = static_cast<int64_t>(token.U64());
  ref.key.sequence = token.U64();
  const uint64_t index = token.U64();
  if (!token.Done() || index > UINT32_MAX || ref.group.empty()) return std::nullopt;
  ref.key.index = static_cast<uint32_t>(index);
  return ref;
}

void WriteInternalPointer(char* out, uint16_t group_index, const storage::EventKey& key) {
  PutHex(out, group_index, 4);
  PutHex(out + 4, static_cast<uint64_t>(key.timestamp), 16);
  PutHex(out + 20, key.sequence, 16);
  PutHex(out + 36, key.index, 8);
}

bool ReadInternalPointer(std::string_view text, uint16_t* group_index, storage::EventKey* key) {
  if (text.size() != kInternalPointerSize) return false;
  uint64_t g = 0, ts = 0, seq = 0, index = 0;
  if (!GetHex(text.substr(0, 4), &g) || !GetHex(text.substr(4, 16), &ts) ||
      !GetHex(text.substr(20, 16), &seq) || !GetHex(text.substr(36, 8), &index)) {
    return false;
  }
  *group_index = static_cast<uint16_t>(g);
  key->timestamp = static_cast<int64_t>(ts);
  key->sequence = seq;
  key->index = static_cast<uint32_t>(index);
  return true;
}

const StringRule kQueryIdRule{1, 256, "", nullptr, false};

ApiError QueryNotFound() {
  return ApiError::ResourceNotFound("The specified query does not exist.");
}

ApiError NoQueryRunner() {
  return ApiError::ServiceUnavailable("Logs Insights queries are not served here.");
}

nlohmann::json ResultRowsJson(const std::vector<insights::ResultRow>& rows, size_t begin,
                              size_t end) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = begin; i < end && i < rows.size(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (const auto& f : rows[i]) row.push_back({{"field", f.field}, {"value", f.value}});
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace cwlogd::api::detail
