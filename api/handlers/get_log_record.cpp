// GetLogRecord (AWS API reference): the event a result row's @ptr points at, as a map of field
// name to string: @timestamp and @ingestionTime (epoch ms), @message, @logStream, @log, and
// the fields a query discovers in the message (insights::DiscoverFieldValues: flattened JSON
// leaves, Lambda REPORT fields), at most insights::kMaxDiscoveredFields of them.
#include "api/detail/common.h"
#include "api/detail/insights.h"
#include "api/handlers/handlers.h"
#include "insights/query.h"

namespace cwlogd::api {

ApiResult HandleGetLogRecord(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto pointer = in.String("logRecordPointer", StringRule{}, true);
  (void)in.Bool("unmask");  // nothing is masked here
  if (in.failed()) return in.error();
  auto ref = detail::DecodeRecordPointer(*pointer, ctx.partition);
  if (!ref) {
    // AWS's text is not recorded.
    return ApiError::InvalidParameter("The specified logRecordPointer is invalid.");
  }
  auto group = ctx.store.GetLogGroup(ctx.partition, ref->group);
  if (!group.ok() && !group.status().IsNotFound()) return FromStorage(group.status());
  if (!group.ok() || group->id != ref->group_id) return detail::LogGroupNotFound();
  const ApiError record_gone =
      ApiError::ResourceNotFound("The specified log record does not exist.");
  if (ref->key.timestamp < detail::RetentionFloor(*group, ctx.clock.NowMillis()) ||
      ref->key.timestamp == std::numeric_limits<int64_t>::max()) {
    return record_gone;
  }
  storage::GroupScanQuery query;
  query.start_time = ref->key.timestamp;
  query.end_time = ref->key.timestamp + 1;
  std::optional<nlohmann::json> record;
  storage::Status s =
      ctx.store.ScanGroup(ctx.partition, ref->group, query, [&](const storage::EventView& e) {
        if (e.key < ref->key) return true;
        if (e.key == ref->key) {
          record = nlohmann::json{{"@timestamp", std::to_string(e.key.timestamp)},
                                  {"@message", std::string(e.message)},
                                  {"@logStream", std::string(e.stream_name)},
                                  {"@log", ctx.partition.account + ":" + ref->group},
                                  {"@ingestionTime", std::to_string(e.ingestion_time)}};
          // As in a query, the first of repeated names wins. A discovered name never equals a
          // system field's: a JSON key "@x" is shown as "@@x".
          insights::DiscoverFieldValues(e.message,
                                        [&](std::string_view name, std::string_view value) {
                                          std::string key(name);
                                          if (!record->contains(key))
                                            (*record)[key] = std::string(value);
                                        });
        }
        return false;
      });
  if (!s.ok()) return FromStorage(s);
  if (!record) return record_gone;
  return nlohmann::json{{"logRecord", std::move(*record)}};
}

}  // namespace cwlogd::api
