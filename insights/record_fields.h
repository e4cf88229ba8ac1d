// The fields a record offers to a query (docs/insights.md, "Records"): the system fields, the
// fields discovered in JSON messages and Lambda REPORT lines, and the ephemeral fields commands
// define. Field names are resolved to slots at compile time. An Env belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "insights/query.h"
#include "insights/value.h"

namespace cwlogd::insights {

// Hash for heterogeneous lookup of std::string keys by string_view (no allocation per lookup).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;
template <typename T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

enum class SystemField { kNone, kTimestamp, kMessage, kIngestionTime, kLogStream, kLog, kPtr };
// The system field called `name` (exact, case-sensitive), or kNone.
SystemField FindSystemField(std::string_view name);

enum class SlotKind {
  kSystem,      // @timestamp ...
  kDiscovered,  // from the message (JSON, Lambda), unless a command defines it first
  kDefined,     // only ever set by commands (fields ... as, parse, stats columns)
};

// Every field name a query mentions, numbered.
class SlotTable {
 public:
  int Find(std::string_view name) const;
  // The slot of `name`, added as kDiscovered (or kSystem) when new.
  int Intern(std::string_view name);
  // A command defines it: never looked up in the message (the compiler rejects a definition of
  // a name the query used before, so no earlier command can have read it from the message).
  void MarkDefined(int slot);
  std::size_t size() const { return names_.size(); }
  const std::string& name(int slot) const { return names_[static_cast<std::size_t>(slot)]; }
  SlotKind kind(int slot) const { return kinds_[static_cast<std::size_t>(slot)]; }
  SystemField system(int slot) const { return system_[static_cast<std::size_t>(slot)]; }
  bool defined(int slot) const { return defined_[static_cast<std::size_t>(slot)]; }

 private:
  std::vector<std::string> names_;
  std::vector<SlotKind> kinds_;
  std::vector<SystemField> system_;
  std::vector<bool> defined_;
  StringMap<int> index_;
};

// Where the slots that may come from the message are found: JSON paths and Lambda names.
class DiscoveryPlan {
 public:
  explicit DiscoveryPlan(const SlotTable& slots);
  bool empty() const { return names_.empty(); }
  int Slot(std::string_view flattened_name) const;  // -1 when the query does not use it
  bool WantsPrefix(std::string_view prefix) const { return prefixes_.contains(prefix); }
  bool wants_lambda() const { return wants_lambda_; }

 private:
  StringMap<int> names_;
  StringSet prefixes_;  // flattened-name prefixes ending before a '.', to skip unused subtrees
  bool wants_lambda_ = false;
};

// A source of field values for expressions.
class Env {
 public:
  virtual ~Env() = default;
  virtual Value Get(int slot) = 0;
  virtual void Set(int slot, Value v) = 0;
  // Inside stats results: the aggregates of the current group (Expr::agg_index).
  const std::vector<Value>* agg_results = nullptr;
};

// One record at a time; values are views into the record (and the JSON parser) until Reset.
class RecordEnv final : public Env {
 public:
  RecordEnv(const SlotTable* slots, const DiscoveryPlan* discovery);
  ~RecordEnv() override;
  RecordEnv(const RecordEnv&) = delete;
  RecordEnv& operator=(const RecordEnv&) = delete;

  void Reset(const Record* record);
  Value Get(int slot) override;
  void Set(int slot, Value v) override;
  // Every slot's value, owning its text, for keeping the record after Add.
  void Materialize(std::vector<Value>* out);
  const Record& record() const { return *record_; }

 private:
  void Discover();

  const SlotTable* slots_;
  const DiscoveryPlan* discovery_;
  const Record* record_ = nullptr;
  std::vector<Value> values_;
  std::vector<uint8_t> set_;
  bool discovered_ = false;
  struct JsonState;
  std::unique_ptr<JsonState> json_;
};

// A kept row (after stats, or a materialized record).
class RowEnv final : public Env {
 public:
  explicit RowEnv(std::vector<Value>* row) : row_(row) {}
  Value Get(int slot) override { return (*row_)[static_cast<std::size_t>(slot)]; }
  void Set(int slot, Value v) override { (*row_)[static_cast<std::size_t>(slot)] = OwnedCopy(v); }

 private:
  std::vector<Value>* row_;
};

// AWS extracts at most this many fields from one event; deeper JSON than kMaxJsonDepth is not
// flattened (ours).
inline constexpr std::size_t kMaxDiscoveredFields = 1000;
inline constexpr int kMaxJsonDepth = 64;

// The Lambda REPORT line fields, in the order DiscoverFields gives them.
inline constexpr std::string_view kLambdaFields[] = {
    "@type", "@requestId", "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed",
};

}  // namespace cwlogd::insights
