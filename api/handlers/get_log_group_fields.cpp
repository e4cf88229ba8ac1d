// GetLogGroupFields (AWS API reference; spec logs-api.md 8.6): the fields of a group's events
// around `time` (epoch seconds, +-8 minutes) or in the last 15 minutes, each with the integer
// percentage of sampled events that have it, highest first. The sample is the first
// kMaxSampledEvents events of that window (AWS samples too; its sample size is not documented).
#include <algorithm>
#include <map>

#include "api/detail/common.h"
#include "api/handlers/handlers.h"
#include "insights/query.h"

namespace cwlogd::api {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr size_t kMaxSampledEvents = 10'000;
// Every event has these; listed first among equal percentages, in this order.
constexpr std::string_view kSystemFields[] = {"@timestamp", "@message", "@logStream", "@log",
                                              "@ingestionTime"};

}  // namespace

ApiResult HandleGetLogGroupFields(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  detail::GroupRef ref = detail::ReadGroupRef(in);
  auto time = in.Long("time", NumberRule{0});
  if (in.failed()) return in.error();
  auto resolved = detail::ResolveGroupRef(ref, ctx);
  if (auto* e = std::get_if<ApiError>(&resolved)) return *e;
  const std::string& group_name = std::get<std::string>(resolved);
  auto group = ctx.store.GetLogGroup(ctx.partition, group_name);
  if (!group.ok()) return FromStorage(group.status());

  const int64_t now = ctx.clock.NowMillis();
  storage::GroupScanQuery query;
  if (time && *time <= std::numeric_limits<int64_t>::max() / 1000 - 8 * kMinuteMs) {
    query.start_time = *time * 1000 - 8 * kMinuteMs;
    query.end_time = *time * 1000 + 8 * kMinuteMs + 1;
  } else {
    query.start_time = now - 15 * kMinuteMs;
    query.end_time = now + 1;
  }
  query.start_time = std::max(query.start_time, detail::RetentionFloor(*group, now));

  size_t events = 0;
  std::map<std::string, size_t, std::less<>> discovered;
  if (query.start_time < query.end_time) {
    storage::Status s =
        ctx.store.ScanGroup(ctx.partition, group_name, query, [&](const storage::EventView& e) {
          ++events;
          insights::DiscoverFields(e.message, [&](std::string_view name) {
            auto it = discovered.find(name);
            if (it == discovered.end()) {
              discovered.emplace(std::string(name), 1);
            } else {
              ++it->second;
            }
          });
          return events < kMaxSampledEvents;
        });
    if (!s.ok()) return FromStorage(s);
  }

  struct Field {
    std::string name;
    int percent;
    size_t rank;  // system fields first among equals, then by name
  };
  std::vector<Field> fields;
  if (events > 0) {
    for (size_t i = 0; i < std::size(kSystemFields); ++i) {
      fields.push_back({std::string(kSystemFields[i]), 100, i});
    }
    for (const auto& [name, count] : discovered) {
      const int percent = static_cast<int>((count * 100 + events / 2) / events);
      fields.push_back({name, std::min(percent, 100), std::size(kSystemFields)});
    }
    std::stable_sort(fields.begin(), fields.end(), [](const Field& a, const Field& b) {
      if (a.percent != b.percent) return a.percent > b.percent;
      return a.rank < b.rank;
    });
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : fields) list.push_back({{"name", f.name}, {"percent", f.percent}});
  return nlohmann::json{{"logGroupFields", std::move(list)}};
}

}  // namespace cwlogd::api
