// Record fields. JSON is parsed at most once per record, and only when the query reads a
// discovered field; flattening skips subtrees no wanted name starts with.
#include "insights/record_fields.h"

#include <cstring>

#include <simdjson.h>

#include "insights/format.h"

namespace cwlogd::insights {

namespace {

constexpr std::string_view kSystemNames[] = {
    "", "@timestamp", "@message", "@ingestionTime", "@logStream", "@log", "@ptr"};

bool LooksLikeJsonObject(std::string_view m) {
  std::size_t i = 0;
  while (i < m.size() && (m[i] == ' ' || m[i] == '\t' || m[i] == '\n' || m[i] == '\r')) ++i;
  return i < m.size() && m[i] == '{';
}

// Calls leaf(name, value) for each leaf of `root`, at most kMaxDiscoveredFields; `want` says
// whether to descend into a container whose flattened name is the argument.
template <typename Want, typename Leaf>
void Flatten(simdjson::dom::element root, const Want& want, const Leaf& leaf) {
  std::string name;
  std::size_t leaves = 0;
  auto walk = [&](auto&& self, simdjson::dom::element node, int depth) -> void {
    if (leaves >= kMaxDiscoveredFields) return;
    const std::size_t mark = name.size();
    auto child = [&](std::string_view key, simdjson::dom::element value) {
      if (mark == 0 && key.empty()) return;  // a top-level "" key would make a nameless field
      if (mark == 0) {
        if (!key.empty() && key.front() == '@') name.push_back('@');  // @x shown as @@x
      } else {
        name.push_back('.');
      }
      name.append(key);
      const auto t = value.type();
      const bool container =
          t == simdjson::dom::element_type::OBJECT || t == simdjson::dom::element_type::ARRAY;
      if (container) {
        if (depth < kMaxJsonDepth && want(std::string_view(name))) self(self, value, depth + 1);
      } else if (t != simdjson::dom::element_type::NULL_VALUE) {
        ++leaves;
        leaf(std::string_view(name), value);
      }
      name.resize(mark);
    };
    if (node.type() == simdjson::dom::element_type::OBJECT) {
      for (auto field : simdjson::dom::object(node)) {
        if (leaves >= kMaxDiscoveredFields) return;
        child(field.key, field.value);
      }
    } else {
      std::size_t index = 0;
      char buf[24];
      for (simdjson::dom::element item : simdjson::dom::array(node)) {
        if (leaves >= kMaxDiscoveredFields) return;
        const int len = std::snprintf(buf, sizeof buf, "%zu", index++);
        child(std::string_view(buf, static_cast<std::size_t>(len)), item);
      }
    }
  };
  walk(walk, root, 1);
}

Value JsonLeaf(simdjson::dom::element v) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: {
      std::string_view s;
      if (v.get(s) == simdjson::SUCCESS) return Value::View(s);
      return {};
    }
    case simdjson::dom::element_type::INT64:
      return Value::Number(static_cast<double>(int64_t(v)));
    case simdjson::dom::element_type::UINT64:
      return Value::Number(static_cast<double>(uint64_t(v)));
    case simdjson::dom::element_type::DOUBLE:
      return Value::Number(double(v));
    case simdjson::dom::element_type::BOOL:
      return Value::View(bool(v) ? "true" : "false");
    default:
      return {};
  }
}

// "REPORT RequestId: <id>\tDuration: 2.35 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\t
// Max Memory Used: 71 MB": calls field(name, value) for the kLambdaFields it finds.
template <typename Field>
void ParseLambdaReport(std::string_view m, const Field& field) {
  constexpr std::string_view kPrefix = "REPORT RequestId: ";
  if (m.substr(0, kPrefix.size()) != kPrefix) return;
  field("@type", Value::View(m.substr(0, 6)));
  std::string_view rest = m.substr(kPrefix.size());
  const std::size_t id_end = rest.find_first_of(" \t\n");
  field("@requestId", Value::View(rest.substr(0, id_end)));
  struct Key {
    std::string_view label;
    std::string_view name;
  };
  static constexpr Key kKeys[] = {{"\tDuration: ", "@duration"},
                                  {"Billed Duration: ", "@billedDuration"},
                                  {"Memory Size: ", "@memorySize"},
                                  {"Max Memory Used: ", "@maxMemoryUsed"}};
  for (const Key& k : kKeys) {
    std::size_t at = rest.find(k.label);
    if (at == std::string_view::npos && k.name == "@duration") {
      at = rest.find(" Duration: ");  // space-separated copies of the line
      if (at != std::string_view::npos && at >= 6 && rest.substr(at - 6, 6) == "Billed") {
        at = std::string_view::npos;
      }
    }
    if (at == std::string_view::npos) continue;
    std::string_view value = rest.substr(at + k.label.size());
    value = value.substr(0, value.find(' '));
    double x = 0;
    if (ParseNumber(value, &x)) field(k.name, Value::Number(x));
  }
}

}  // namespace

SystemField FindSystemField(std::string_view name) {
  for (std::size_t i = 1; i < std::size(kSystemNames); ++i) {
    if (kSystemNames[i] == name) return static_cast<SystemField>(i);
  }
  return SystemField::kNone;
}

int SlotTable::Find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

int SlotTable::Intern(std::string_view name) {
  if (int s = Find(name); s >= 0) return s;
  const int slot = static_cast<int>(names_.size());
  names_.emplace_back(name);
  const SystemField sys = FindSystemField(name);
  system_.push_back(sys);
  kinds_.push_back(sys == SystemField::kNone ? SlotKind::kDiscovered : SlotKind::kSystem);
  defined_.push_back(false);
  index_.emplace(std::string(name), slot);
  return slot;
}

void SlotTable::MarkDefined(int slot) {
  const auto i = static_cast<std::size_t>(slot);
  defined_[i] = true;
  if (kinds_[i] == SlotKind::kDiscovered) kinds_[i] = SlotKind::kDefined;
}

DiscoveryPlan::DiscoveryPlan(const SlotTable& slots) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const int slot = static_cast<int>(i);
    if (slots.kind(slot) != SlotKind::kDiscovered) continue;
    const std::string& name = slots.name(slot);
    names_.emplace(name, slot);
    for (std::string_view l : kLambdaFields) wants_lambda_ = wants_lambda_ || l == name;
    for (std::size_t dot = name.find('.'); dot != std::string::npos;
         dot = name.find('.', dot + 1)) {
      prefixes_.emplace(name.substr(0, dot));
    }
  }
}

int DiscoveryPlan::Slot(std::string_view flattened_name) const {
  auto it = names_.find(flattened_name);
  return it == names_.end() ? -1 : it->second;
}

struct RecordEnv::JsonState {
  simdjson::dom::parser parser;
};

RecordEnv::RecordEnv(const SlotTable* slots, const DiscoveryPlan* discovery)
    : slots_(slots),
      discovery_(discovery),
      values_(slots->size()),
      set_(slots->size(), 0),
      json_(std::make_unique<JsonState>()) {}

RecordEnv::~RecordEnv() = default;

void RecordEnv::Reset(const Record* record) {
  record_ = record;
  std::memset(set_.data(), 0, set_.size());
  discovered_ = false;
}

void RecordEnv::Set(int slot, Value v) {
  const auto i = static_cast<std::size_t>(slot);
  values_[i] = std::move(v);
  set_[i] = 1;
}

Value RecordEnv::Get(int slot) {
  const auto i = static_cast<std::size_t>(slot);
  if (set_[i] != 0) return values_[i];
  switch (slots_->system(slot)) {
    case SystemField::kTimestamp:
      return Value::Timestamp(static_cast<double>(record_->timestamp));
    case SystemField::kIngestionTime:
      return Value::Timestamp(static_cast<double>(record_->ingestion_time));
    case SystemField::kMessage:
      return Value::View(record_->message);
    case SystemField::kLogStream:
      return Value::View(record_->log_stream);
    case SystemField::kLog:
      return Value::View(record_->log);
    case SystemField::kPtr:
      return record_->ptr.empty() ? Value() : Value::View(record_->ptr);
    case SystemField::kNone:
      break;
  }
  if (slots_->kind(slot) == SlotKind::kDiscovered && !discovered_) {
    Discover();
    if (set_[i] != 0) return values_[i];
  }
  return {};
}

void RecordEnv::Discover() {
  discovered_ = true;
  const std::string_view m = record_->message;
  // A field a command already set keeps its value: discovery fills only unset slots.
  auto fill = [&](std::string_view name, Value v) {
    const int slot = discovery_->Slot(name);
    if (slot < 0 || set_[static_cast<std::size_t>(slot)] != 0) return;
    Set(slot, std::move(v));
  };
  if (discovery_->wants_lambda()) ParseLambdaReport(m, fill);
  if (!LooksLikeJsonObject(m)) return;
  simdjson::dom::element root;
  if (json_->parser.parse(m.data(), m.size(), true).get(root) != simdjson::SUCCESS) return;
  if (root.type() != simdjson::dom::element_type::OBJECT) return;
  Flatten(
      root, [&](std::string_view prefix) { return discovery_->WantsPrefix(prefix); },
      [&](std::string_view name, simdjson::dom::element v) { fill(name, JsonLeaf(v)); });
}

void RecordEnv::Materialize(std::vector<Value>* out) {
  out->resize(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    (*out)[i] = OwnedCopy(Get(static_cast<int>(i)));
  }
}

namespace {

// Calls field(name, value) for each field DiscoverFields names.
template <typename Field>
void ForEachDiscoveredField(std::string_view message, const Field& field) {
  ParseLambdaReport(message, field);
  if (!LooksLikeJsonObject(message)) return;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(message.data(), message.size(), true).get(root) != simdjson::SUCCESS) return;
  if (root.type() != simdjson::dom::element_type::OBJECT) return;
  Flatten(
      root, [](std::string_view) { return true; },
      [&](std::string_view name, simdjson::dom::element v) { field(name, JsonLeaf(v)); });
}

}  // namespace

void DiscoverFields(std::string_view message, const std::function<void(std::string_view)>& field) {
  ForEachDiscoveredField(message, [&](std::string_view name, const Value&) { field(name); });
}

void DiscoverFieldValues(std::string_view message,
                         const std::function<void(std::string_view, std::string_view)>& field) {
  ForEachDiscoveredField(message, [&](std::string_view name, const Value& v) {
    const std::string text = FormatValue(v);
    field(name, text);
  });
}

}  // namespace cwlogd::insights
