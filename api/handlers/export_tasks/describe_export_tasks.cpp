// DescribeExportTasks: the partition's tasks newest first (creation time, then task id, both
// descending), optionally one task id or one status code, `limit` per page. An unknown task id
// gives an empty list, as on AWS.
#include <algorithm>
#include <string>
#include <vector>

#include "api/detail/common.h"
#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/export_runner.h"
#include "api/handlers/export_handlers.h"
#include "api/handlers/export_tasks/export_task.h"

namespace cwlogd::api {

ApiResult HandleDescribeExportTasks(const nlohmann::json& request, Context& ctx) {
  namespace et = export_tasks;
  RequestReader in(request);
  auto task_id = in.String("taskId", et::kTaskIdRule);
  auto status_code = in.Enum("statusCode", et::kStatusCodes);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  // The token holds the last task returned (creation time, id) and is bound to the filters.
  const uint64_t digest =
      detail::HashBytes(task_id.value_or("") + '\n' + status_code.value_or(""), 0x657870);
  struct Position {
    int64_t created;
    std::string id;
  };
  std::optional<Position> after;
  if (next_token) {
    detail::TokenReader token(*next_token, detail::token_kind::kDescribeExportTasks, ctx.partition);
    Position pos{static_cast<int64_t>(token.U64()), token.Str()};
    if (token.U64() != digest || !token.Done() || pos.id.empty()) {
      return detail::InvalidNextToken();
    }
    after = std::move(pos);
  }
  std::vector<storage::ResourceRecord> tasks;
  auto keep = [&](const storage::ResourceRecord& r) {
    auto it = r.fields.find(export_fields::kStatus);
    if (status_code && (it == r.fields.end() || it->second != *status_code)) return;
    tasks.push_back(r);
  };
  if (task_id) {
    auto r = store->Get(ctx.partition, storage::ResourceKind::kExportTask, *task_id);
    if (r.ok()) {
      keep(*r);
    } else if (!r.status().IsNotFound()) {
      return FromStorage(r.status());
    }
  } else {
    storage::Status s = store->List(ctx.partition, storage::ResourceKind::kExportTask, "", "",
                                    [&](const storage::ResourceRecord& r) {
                                      keep(r);
                                      return true;
                                    });
    if (!s.ok()) return FromStorage(s);
  }
  // Newest first: the later position is the smaller one.
  auto newer = [](int64_t ca, const std::string& ia, int64_t cb, const std::string& ib) {
    return ca != cb ? ca > cb : ia > ib;
  };
  std::sort(tasks.begin(), tasks.end(),
            [&](const storage::ResourceRecord& a, const storage::ResourceRecord& b) {
              return newer(a.creation_time_ms, a.name, b.creation_time_ms, b.name);
            });
  auto first = tasks.begin();
  if (after) {
    first = std::find_if(tasks.begin(), tasks.end(), [&](const storage::ResourceRecord& r) {
      return newer(after->created, after->id, r.creation_time_ms, r.name);
    });
  }
  const auto page_size = static_cast<size_t>(limit.value_or(50));
  nlohmann::json list = nlohmann::json::array();
  auto it = first;
  for (; it != tasks.end() && list.size() < page_size; ++it)
    list.push_back(et::ExportTaskJson(*it));
  nlohmann::json out = {{"exportTasks", std::move(list)}};
  if (it != tasks.end()) {
    const storage::ResourceRecord& last = *(it - 1);
    out["nextToken"] = detail::TokenWriter(detail::token_kind::kDescribeExportTasks, ctx.partition)
                           .U64(static_cast<uint64_t>(last.creation_time_ms))
                           .Str(last.name)
                           .U64(digest)
                           .Finish();
  }
  return out;
}

}  // namespace cwlogd::api
