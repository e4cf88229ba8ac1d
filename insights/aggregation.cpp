// Aggregates. sum/avg/stddev/pct fold only numeric values (numeric strings count); min/max
// compare numbers when a group has any, else text; count_distinct is exact (AWS estimates).
#include "insights/aggregation.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "insights/evaluate.h"

namespace cwlogd::insights {

struct AggState {
  double count = 0;
  double mean = 0;  // Welford's running mean and sum of squared differences
  double m2 = 0;
  double sum = 0;
  bool has = false;
  Value best;  // min/max/earliest/latest/sortsFirst/sortsLast
  bool best_numeric = false;
  double best_ts = 0;
  std::unique_ptr<StringSet> distinct;
  std::unique_ptr<std::vector<double>> values;
};

struct Aggregator::GroupData {
  std::vector<Value> keys;
  std::vector<AggState> states;
};

namespace {

constexpr std::size_t kGroupOverhead = 160;

void AppendKey(const Value& v, std::string* key) {
  switch (v.kind) {
    case ValueKind::kNull:
      key->push_back('n');
      return;
    case ValueKind::kNumber:
    case ValueKind::kTimestamp: {
      key->push_back(v.kind == ValueKind::kNumber ? 'd' : 't');
      char buf[sizeof(double)];
      std::memcpy(buf, &v.num, sizeof buf);
      key->append(buf, sizeof buf);
      return;
    }
    case ValueKind::kString: {
      key->push_back('s');
      const auto len = static_cast<uint32_t>(v.str.size());
      char buf[sizeof len];
      std::memcpy(buf, &len, sizeof buf);
      key->append(buf, sizeof buf);
      key->append(v.str);
      return;
    }
  }
}

std::size_t ValueBytes(const Value& v) {
  return v.kind == ValueKind::kString ? v.str.size() + 48 : 0;
}

// For sortsFirst/sortsLast and the ordering of groups: nulls last.
int CompareKeys(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].null() || b[i].null()) {
      if (a[i].null() != b[i].null()) return a[i].null() ? 1 : -1;
      continue;
    }
    if (int c = CompareValues(a[i], b[i]); c != 0) return c;
  }
  return 0;
}

}  // namespace

Aggregator::Aggregator(std::vector<AggSpec> specs, std::vector<const Expr*> group_by,
                       int timestamp_slot, std::size_t* memory)
    : specs_(std::move(specs)),
      group_by_(std::move(group_by)),
      timestamp_slot_(timestamp_slot),
      memory_(memory),
      key_values_(group_by_.size()) {}

Aggregator::~Aggregator() = default;

void Aggregator::Add(Env& env) {
  key_.clear();
  for (std::size_t i = 0; i < group_by_.size(); ++i) {
    key_values_[i] = Eval(*group_by_[i], env);
    AppendKey(key_values_[i], &key_);
  }
  std::size_t g = 0;
  if (auto it = index_.find(std::string_view(key_)); it != index_.end()) {
    g = it->second;
  } else {
    g = groups_.size();
    auto data = std::make_unique<GroupData>();
    data->keys.reserve(key_values_.size());
    for (const Value& v : key_values_) {
      data->keys.push_back(OwnedCopy(v));
      *memory_ += ValueBytes(v);
    }
    data->states.resize(specs_.size());
    *memory_ += kGroupOverhead + 2 * key_.size() + specs_.size() * sizeof(AggState);
    groups_.push_back(std::move(data));
    index_.emplace(key_, g);
  }
  GroupData& group = *groups_[g];
  double ts = 0;
  bool has_ts = false;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const AggKind k = specs_[i].kind;
    if (!has_ts && timestamp_slot_ >= 0 && (k == AggKind::kEarliest || k == AggKind::kLatest)) {
      has_ts = AsNumber(env.Get(timestamp_slot_), &ts);
    }
    Update(specs_[i], group.states[i], env, ts, has_ts);
  }
}

void Aggregator::Update(const AggSpec& spec, AggState& s, Env& env, double timestamp, bool has_ts) {
  if (spec.arg == nullptr) {  // count() / count(*)
    s.count += 1;
    return;
  }
  const Value v = Eval(*spec.arg, env);
  if (v.null()) return;
  double x = 0;
  switch (spec.kind) {
    case AggKind::kNone:
      return;
    case AggKind::kCount:
      s.count += 1;
      return;
    case AggKind::kCountDistinct: {
      if (!s.distinct) s.distinct = std::make_unique<StringSet>();
      std::string scratch;
      const std::string_view text = AsString(v, &scratch);
      if (!s.distinct->contains(text)) {
        s.distinct->emplace(text);
        *memory_ += text.size() + 48;
      }
      return;
    }
    case AggKind::kSum:
    case AggKind::kAvg:
    case AggKind::kStddev: {
      if (!AsNumber(v, &x)) return;
      s.count += 1;
      s.sum += x;
      const double delta = x - s.mean;
      s.mean += delta / s.count;
      s.m2 += delta * (x - s.mean);
      return;
    }
    case AggKind::kPct:
      if (!AsNumber(v, &x)) return;
      if (!s.values) s.values = std::make_unique<std::vector<double>>();
      s.values->push_back(x);
      *memory_ += sizeof(double);
      return;
    case AggKind::kMin:
    case AggKind::kMax: {
      const bool numeric = AsNumber(v, &x);
      if (s.has && s.best_numeric && !numeric) return;  // numbers win over text
      bool take = !s.has || (numeric && !s.best_numeric);
      if (!take) {
        const int c = CompareValues(v, s.best);
        take = spec.kind == AggKind::kMin ? c < 0 : c > 0;
      }
      if (take) {
        *memory_ += ValueBytes(v);
        s.best = OwnedCopy(v);
        s.best_numeric = numeric;
        s.has = true;
      }
      return;
    }
    case AggKind::kSortsFirst:
    case AggKind::kSortsLast: {
      bool take = !s.has;
      if (!take) {
        const int c = CompareValues(v, s.best);
        take = spec.kind == AggKind::kSortsFirst ? c < 0 : c > 0;
      }
      if (take) {
        *memory_ += ValueBytes(v);
        s.best = OwnedCopy(v);
        s.has = true;
      }
      return;
    }
    case AggKind::kEarliest:
    case AggKind::kLatest: {
      if (!has_ts) return;
      // Ties: earliest keeps the first record added, latest the last one.
      const bool take = !s.has || (spec.kind == AggKind::kEarliest ? timestamp < s.best_ts
                                                                   : timestamp >= s.best_ts);
      if (take) {
        *memory_ += ValueBytes(v);
        s.best = OwnedCopy(v);
        s.best_ts = timestamp;
        s.has = true;
      }
      return;
    }
  }
}

std::vector<Aggregator::Group> Aggregator::Results() const {
  std::vector<Group> out;
  out.reserve(groups_.size());
  for (const auto& g : groups_) {
    Group r;
    r.keys = g->keys;
    r.aggregates.reserve(specs_.size());
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const AggSpec& spec = specs_[i];
      const AggState& s = g->states[i];
      Value v;
      switch (spec.kind) {
        case AggKind::kCount:
          v = Value::Number(s.count);
          break;
        case AggKind::kCountDistinct:
          v = Value::Number(s.distinct ? static_cast<double>(s.distinct->size()) : 0);
          break;
        case AggKind::kSum:
          if (s.count > 0) v = Value::Number(s.sum);
          break;
        case AggKind::kAvg:
          if (s.count > 0) v = Value::Number(s.sum / s.count);
          break;
        case AggKind::kStddev:  // sample standard deviation (n - 1); 0 for one value
          if (s.count > 1) {
            v = Value::Number(std::sqrt(s.m2 / (s.count - 1)));
          } else if (s.count == 1) {
            v = Value::Number(0);
          }
          break;
        case AggKind::kPct:
          if (s.values && !s.values->empty()) {
            std::vector<double> sorted = *s.values;
            std::sort(sorted.begin(), sorted.end());
            // Nearest rank: the smallest value with at least `percent`% of values <= it.
            const double rank =
                std::ceil(spec.percent / 100.0 * static_cast<double>(sorted.size()));
            std::size_t index = rank <= 1 ? 0 : static_cast<std::size_t>(rank) - 1;
            index = std::min(index, sorted.size() - 1);
            v = Value::Number(sorted[index]);
          }
          break;
        case AggKind::kMin:
        case AggKind::kMax:
        case AggKind::kEarliest:
        case AggKind::kLatest:
        case AggKind::kSortsFirst:
        case AggKind::kSortsLast:
          if (s.has) v = s.best;
          break;
        case AggKind::kNone:
          break;
      }
      r.aggregates.push_back(std::move(v));
    }
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Group& a, const Group& b) { return CompareKeys(a.keys, b.keys) < 0; });
  return out;
}

}  // namespace cwlogd::insights
