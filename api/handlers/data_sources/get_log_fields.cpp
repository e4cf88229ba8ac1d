// GetLogFields: the fields of a data source's events, as Logs Insights discovers them (JSON
// leaves flattened as `a.b`), each with a type read off the values seen: "boolean", "long",
// "double" or "string" (a field seen with values of two kinds is a "string"). The sample is the
// last day (and any later timestamps) of the source's log groups, at most kMaxSchemaSampleEvents
// events. A source no log group belongs to is ResourceNotFoundException.
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <map>
#include <vector>

#include "api/detail/common.h"
#include "api/detail/log_group_selection.h"
#include "api/handlers/data_source_handlers.h"
#include "insights/query.h"

namespace cwlogd::api {
namespace {

constexpr int64_t kSchemaWindowMs = int64_t{24} * 60 * 60 * 1000;
constexpr size_t kMaxSchemaSampleEvents = 10'000;
// The model gives DataSourceName and DataSourceType no constraint.
const StringRule kDataSourceRule{0, std::numeric_limits<size_t>::max(), "", nullptr, false};

enum class ValueKind { kBoolean, kLong, kDouble, kString };

ValueKind KindOf(std::string_view value) {
  if (value == "true" || value == "false") return ValueKind::kBoolean;
  if (value.empty()) return ValueKind::kString;
  int64_t as_long = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), as_long);
  if (ec == std::errc() && end == value.data() + value.size()) return ValueKind::kLong;
  double as_double = 0;
  auto [dend, dec] = std::from_chars(value.data(), value.data() + value.size(), as_double);
  if (dec == std::errc() && dend == value.data() + value.size()) return ValueKind::kDouble;
  return ValueKind::kString;
}

// The kind of a field seen with values of kinds `a` and `b`: long widens to double, any other
// mix is a string.
ValueKind Merge(ValueKind a, ValueKind b) {
  if (a == b) return a;
  if ((a == ValueKind::kLong && b == ValueKind::kDouble) ||
      (a == ValueKind::kDouble && b == ValueKind::kLong)) {
    return ValueKind::kDouble;
  }
  return ValueKind::kString;
}

std::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kLong:
      return "long";
    case ValueKind::kDouble:
      return "double";
    case ValueKind::kString:
      break;
  }
  return "string";
}

}  // namespace

ApiResult HandleGetLogFields(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("dataSourceName", kDataSourceRule, true);
  auto type = in.String("dataSourceType", kDataSourceRule, true);
  if (in.failed()) return in.error();
  const detail::DataSource wanted{*name, *type};

  std::vector<storage::LogGroupInfo> groups;
  storage::Status s =
      ctx.store.ListLogGroups(ctx.partition, "", "", [&](const storage::LogGroupInfo& g) {
        if (detail::DataSourceOf(g) == wanted) groups.push_back(g);
        return true;
      });
  if (!s.ok()) return FromStorage(s);
  if (groups.empty()) {
    return ApiError::ResourceNotFound("The specified data source does not exist.");
  }

  const int64_t now = ctx.clock.NowMillis();
  size_t events = 0;
  std::map<std::string, ValueKind, std::less<>> fields;
  for (const auto& group : groups) {
    if (events >= kMaxSchemaSampleEvents) break;
    storage::GroupScanQuery query;
    query.start_time = std::max(now - kSchemaWindowMs, detail::RetentionFloor(group, now));
    // No upper bound: events stamped ahead of the clock (PutLogEvents takes up to 2 h) count.
    s = ctx.store.ScanGroup(ctx.partition, group.name, query, [&](const storage::EventView& e) {
      ++events;
      insights::DiscoverFieldValues(e.message, [&](std::string_view field, std::string_view value) {
        ValueKind kind = KindOf(value);
        auto it = fields.find(field);
        if (it == fields.end()) {
          fields.emplace(std::string(field), kind);
        } else {
          it->second = Merge(it->second, kind);
        }
      });
      return events < kMaxSchemaSampleEvents;
    });
    if (s.IsNotFound()) continue;  // deleted since it was listed
    if (!s.ok()) return FromStorage(s);
  }

  nlohmann::json list = nlohmann::json::array();
  for (const auto& [field, kind] : fields) {
    list.push_back({{"logFieldName", field}, {"logFieldType", {{"type", KindName(kind)}}}});
  }
  return nlohmann::json{{"logFields", std::move(list)}};
}

}  // namespace cwlogd::api
