#include "storage/metric_keys.h"

#include <cstring>

#include "storage/detail/varint.h"

namespace cwlogd::storage::metric_keys {
namespace {

constexpr char kVersion = 0x01;            // DO NOT CHANGE: on-disk
constexpr char kAggregateVersion2 = 0x02;  // DO NOT CHANGE: on-disk (bucket with distribution)
constexpr char kDimensionMark = 0x02;      // DO NOT CHANGE: on-disk
constexpr char kDimensionsEnd = 0x01;      // DO NOT CHANGE: on-disk

void AppendBE8(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t ReadBE8(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}
void AppendTS8(std::string* out, int64_t ts) {
  AppendBE8(out, static_cast<uint64_t>(ts) ^ (uint64_t{1} << 63));
}
int64_t ReadTS8(std::string_view in) {
  return static_cast<int64_t>(ReadBE8(in) ^ (uint64_t{1} << 63));
}
void AppendLE8(std::string* out, double d) {
  uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
double ReadLE8(std::string_view in) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  double d;
  std::memcpy(&d, &v, sizeof d);
  return d;
}
using detail::AppendVarint;
using detail::ReadVarint;
void AppendStr(std::string* out, std::string_view s) {
  AppendVarint(out, s.size());
  out->append(s);
}
bool ReadStr(std::string_view in, size_t* pos, std::string* s) {
  uint64_t n = 0;
  if (!ReadVarint(in, pos, &n) || n > in.size() - *pos) return false;
  s->assign(in.substr(*pos, n));
  *pos += n;
  return true;
}

void AppendPartition(std::string* out, const Partition& p) {
  AppendEscaped(out, p.account);
  AppendEscaped(out, p.region);
}

}  // namespace

void AppendEscaped(std::string* out, std::string_view s) {
  for (char c : s) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xff');
  }
  out->push_back('\0');
  out->push_back('\x01');
}

bool ReadEscaped(std::string_view in, size_t* pos, std::string* out) {
  out->clear();
  while (*pos < in.size()) {
    const char c = in[(*pos)++];
    if (c != '\0') {
      out->push_back(c);
      continue;
    }
    if (*pos >= in.size()) return false;
    const char next = in[(*pos)++];
    if (next == '\x01') return true;
    if (next != '\xff') return false;
    out->push_back('\0');
  }
  return false;
}

std::string EncodeMetricId(const MetricId& m) {
  std::string out;
  AppendEscaped(&out, m.metric_namespace);
  AppendEscaped(&out, m.metric_name);
  for (const auto& d : m.dimensions) {
    out.push_back(kDimensionMark);
    AppendEscaped(&out, d.name);
    AppendEscaped(&out, d.value);
  }
  out.push_back(kDimensionsEnd);
  return out;
}

std::string BucketPrefix(const Partition& p, const MetricId& metric) {
  std::string out(1, kBucketTag);
  AppendPartition(&out, p);
  out += EncodeMetricId(metric);
  return out;
}

std::string BucketKey(const Partition& p, const MetricId& metric, int64_t minute_ms,
                      std::string_view unit) {
  std::string out = BucketPrefix(p, metric);
  AppendTS8(&out, minute_ms);
  AppendEscaped(&out, unit);
  return out;
}

bool ParseBucketSuffix(std::string_view suffix, int64_t* minute_ms, std::string* unit) {
  if (suffix.size() < 8) return false;
  *minute_ms = ReadTS8(suffix);
  size_t pos = 8;
  return ReadEscaped(suffix, &pos, unit) && pos == suffix.size();
}

std::string IndexPrefix(const Partition& p) {
  std::string out(1, kIndexTag);
  AppendPartition(&out, p);
  return out;
}

std::string IndexKey(const Partition& p, const MetricId& metric) {
  return IndexPrefix(p) + EncodeMetricId(metric);
}

bool ParseIndexSuffix(std::string_view s, MetricId* m) {
  size_t pos = 0;
  if (!ReadEscaped(s, &pos, &m->metric_namespace) || !ReadEscaped(s, &pos, &m->metric_name)) {
    return false;
  }
  m->dimensions.clear();
  while (pos < s.size()) {
    const char mark = s[pos++];
    if (mark == kDimensionsEnd) return pos == s.size();
    if (mark != kDimensionMark) return false;
    MetricDimension d;
    if (!ReadEscaped(s, &pos, &d.name) || !ReadEscaped(s, &pos, &d.value)) return false;
    m->dimensions.push_back(std::move(d));
  }
  return false;
}

std::string FilterPrefix(uint64_t group_id) {
  std::string out(1, kFilterTag);
  AppendBE8(&out, group_id);
  return out;
}

std::string FilterKey(uint64_t group_id, std::string_view filter_name) {
  std::string out = FilterPrefix(group_id);
  out.append(filter_name);
  return out;
}

std::string AlarmPrefix(const Partition& p) {
  std::string out(1, kAlarmTag);
  AppendPartition(&out, p);
  return out;
}

std::string AlarmKey(const Partition& p, std::string_view name) {
  std::string out = AlarmPrefix(p);
  out.append(name);
  return out;
}

std::string AlarmHistoryPrefix(const Partition& p) {
  std::string out(1, kAlarmHistoryTag);
  AppendPartition(&out, p);
  return out;
}

std::string AlarmOutboxPrefix(const Partition& p) {
  std::string out(1, kAlarmOutboxTag);
  AppendPartition(&out, p);
  return out;
}

std::string TimeSequenceId(int64_t ms, uint64_t sequence) {
  std::string out;
  AppendTS8(&out, ms);
  AppendBE8(&out, sequence);
  return out;
}

bool ReadPartition(std::string_view key, size_t* pos, Partition* p) {
  return ReadEscaped(key, pos, &p->account) && ReadEscaped(key, pos, &p->region);
}

std::string EncodeAggregate(const MetricAggregate& a) {
  std::string out(1, kAggregateVersion2);
  AppendLE8(&out, a.sample_count);
  AppendLE8(&out, a.sum);
  AppendLE8(&out, a.minimum);
  AppendLE8(&out, a.maximum);
  a.distribution.EncodeTo(&out);
  return out;
}

bool DecodeAggregate(std::string_view v, MetricAggregate* a) {
  if (v.size() < kAggregateValueSize || (v[0] != kVersion && v[0] != kAggregateVersion2)) {
    return false;
  }
  a->sample_count = ReadLE8(v.substr(1));
  a->sum = ReadLE8(v.substr(9));
  a->minimum = ReadLE8(v.substr(17));
  a->maximum = ReadLE8(v.substr(25));
  if (v[0] == kVersion) {
    // Written before distributions were kept: the samples' values are unknown.
    a->distribution = MetricDistribution();
    a->distribution.MarkUnknown();
    return v.size() == kAggregateValueSize;
  }
  size_t pos = kAggregateValueSize;
  return MetricDistribution::DecodeFrom(v, &pos, &a->distribution) && pos == v.size();
}

std::string EncodeLastPublished(int64_t ms) {
  std::string out(1, kVersion);
  AppendTS8(&out, ms);
  return out;
}

bool DecodeLastPublished(std::string_view v, int64_t* ms) {
  if (v.size() != 9 || v[0] != kVersion) return false;
  *ms = ReadTS8(v.substr(1));
  return true;
}

std::string EncodeFilterRecord(const MetricFilterDefinition& d) {
  std::string out(1, kVersion);
  uint64_t flags = 0;
  if (d.default_value) flags |= 1;
  if (d.unit) flags |= 2;
  if (d.field_selection_criteria) flags |= 4;
  if (d.apply_on_transformed_logs) flags |= 8;
  AppendVarint(&out, flags);
  AppendTS8(&out, d.creation_time_ms);
  AppendStr(&out, d.filter_pattern);
  AppendStr(&out, d.metric_name);
  AppendStr(&out, d.metric_namespace);
  AppendStr(&out, d.metric_value);
  if (d.default_value) AppendLE8(&out, *d.default_value);
  if (d.unit) AppendStr(&out, *d.unit);
  if (d.field_selection_criteria) AppendStr(&out, *d.field_selection_criteria);
  AppendVarint(&out, d.dimensions.size());
  for (const auto& [k, v] : d.dimensions) {
    AppendStr(&out, k);
    AppendStr(&out, v);
  }
  AppendVarint(&out, d.emit_system_field_dimensions.size());
  for (const auto& s : d.emit_system_field_dimensions) AppendStr(&out, s);
  return out;
}

bool DecodeFilterRecord(std::string_view v, MetricFilterDefinition* d) {
  if (v.empty() || v[0] != kVersion) return false;
  size_t pos = 1;
  uint64_t flags = 0;
  if (!ReadVarint(v, &pos, &flags) || v.size() - pos < 8) return false;
  d->creation_time_ms = ReadTS8(v.substr(pos));
  pos += 8;
  if (!ReadStr(v, &pos, &d->filter_pattern) || !ReadStr(v, &pos, &d->metric_name) ||
      !ReadStr(v, &pos, &d->metric_namespace) || !ReadStr(v, &pos, &d->metric_value)) {
    return false;
  }
  d->default_value.reset();
  if (flags & 1) {
    if (v.size() - pos < 8) return false;
    d->default_value = ReadLE8(v.substr(pos));
    pos += 8;
  }
  d->unit.reset();
  if (flags & 2) {
    std::string unit;
    if (!ReadStr(v, &pos, &unit)) return false;
    d->unit = std::move(unit);
  }
  d->field_selection_criteria.reset();
  if (flags & 4) {
    std::string fsc;
    if (!ReadStr(v, &pos, &fsc)) return false;
    d->field_selection_criteria = std::move(fsc);
  }
  d->apply_on_transformed_logs = (flags & 8) != 0;
  uint64_t n = 0;
  if (!ReadVarint(v, &pos, &n) || n > v.size()) return false;
  d->dimensions.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, val;
    if (!ReadStr(v, &pos, &k) || !ReadStr(v, &pos, &val)) return false;
    d->dimensions[k] = val;
  }
  if (!ReadVarint(v, &pos, &n) || n > v.size()) return false;
  d->emit_system_field_dimensions.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string s;
    if (!ReadStr(v, &pos, &s)) return false;
    d->emit_system_field_dimensions.push_back(std::move(s));
  }
  return pos == v.size();
}

}  // namespace cwlogd::storage::metric_keys
