#include "api/detail/resources.h"

#include <limits>

#include <fmt/format.h>

#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/paging.h"
#include "api/detail/request_body.h"
#include "api/detail/tokens.h"

namespace cwlogd::api::detail {
const StringRule kDestinationNameRule{1, 512, "[^:*]*", &HasNoColonOrStar, false};
const StringRule kAnyStringRule{0, std::numeric_limits<size_t>::max(), "", nullptr, false};
const StringRule kNonEmptyRule{1, std::numeric_limits<size_t>::max(), "", nullptr, false};
const StringRule kPolicyDocumentRule{1, 51200, "", nullptr, false};

storage::ResourceStore* Resources(Context& ctx) { return ctx.store.resource_store(); }

ApiError NoResourceStore() {
  return ApiError::ServiceUnavailable("Account-level resources are not available on this store.");
}

std::variant<ResourcePage, ApiError> ListResourcePage(
    Context& ctx, storage::ResourceKind kind, std::string_view prefix,
    const std::optional<std::string>& next_token, size_t limit, char token_kind,
    uint64_t query_digest, const std::function<bool(const storage::ResourceRecord&)>& keep) {
  storage::ResourceStore* store = Resources(ctx);
  if (store == nullptr) return NoResourceStore();
  std::string start_after;
  if (next_token) {
    auto resumed = ReadNameToken(*next_token, token_kind, ctx.partition, query_digest);
    if (!resumed) return InvalidNextToken();
    start_after = std::move(*resumed);
  }
  PageCollector<storage::ResourceRecord> page(limit);
  storage::Status s =
      store->List(ctx.partition, kind, prefix, start_after, [&](const storage::ResourceRecord& r) {
        if (keep && !keep(r)) return true;
        return page.Offer(r);
      });
  if (!s.ok()) return FromStorage(s);
  ResourcePage out;
  out.items = page.items();
  if (page.more()) {
    out.next_token = NameToken(token_kind, ctx.partition, out.items.back().name, query_digest);
  }
  return out;
}

std::optional<ApiError> CheckJsonObject(std::string_view document, std::string_view member,
                                        nlohmann::json* parsed) {
  std::optional<std::string> duplicate;
  nlohmann::json doc = ParseJson(document, &duplicate);
  if (doc.is_discarded() || !doc.is_object() || duplicate) {
    // AWS's text is unknown; this one names the member.
    return ApiError::InvalidParameter(fmt::format("The {} is not a valid JSON object.", member));
  }
  if (parsed != nullptr) *parsed = std::move(doc);
  return std::nullopt;
}

std::variant<std::string, ApiError> ExistingGroup(Context& ctx, std::string_view identifier) {
  auto name = ResolveLogGroupIdentifier(ctx.partition, identifier);
  if (!name) return LogGroupNotFound();
  auto group = ctx.store.GetLogGroup(ctx.partition, *name);
  if (!group.ok()) return FromStorage(group.status());
  return *name;
}

std::variant<GroupResourceTarget, ApiError> FindGroupResource(Context& ctx,
                                                              std::string_view identifier) {
  GroupResourceTarget target;
  target.store = Resources(ctx);
  if (target.store == nullptr) return NoResourceStore();
  auto group = ExistingGroup(ctx, identifier);
  if (auto* e = std::get_if<ApiError>(&group)) return *e;
  target.group = std::move(std::get<std::string>(group));
  return target;
}

std::variant<GroupResource, ApiError> GetGroupResource(const nlohmann::json& request, Context& ctx,
                                                       storage::ResourceKind kind) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  if (in.failed()) return in.error();
  auto target = FindGroupResource(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  GroupResourceTarget& found = std::get<GroupResourceTarget>(target);
  auto r = found.store->Get(ctx.partition, kind, found.group);
  GroupResource out{std::move(found.group), std::nullopt};
  if (r.ok()) {
    out.record = std::move(*r);
  } else if (!r.status().IsNotFound()) {
    return FromStorage(r.status());
  }
  return out;
}

ApiResult DeleteGroupResource(const nlohmann::json& request, Context& ctx,
                              storage::ResourceKind kind, std::string_view missing) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  if (in.failed()) return in.error();
  auto target = FindGroupResource(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  const GroupResourceTarget& found = std::get<GroupResourceTarget>(target);
  storage::Status s = found.store->Delete(ctx.partition, kind, found.group);
  if (s.IsNotFound() && s.resource() == storage::Status::Resource::kResource) {
    return ApiError::ResourceNotFound(std::string(missing));
  }
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

std::variant<storage::ResourceRecord, ApiError> FindRecordByArn(Context& ctx,
                                                                storage::ResourceKind kind,
                                                                std::string_view arn_type,
                                                                std::string_view arn,
                                                                const ApiError& not_found) {
  storage::ResourceStore* store = Resources(ctx);
  if (store == nullptr) return NoResourceStore();
  auto name = NameFromLogsResourceArn(ctx.partition, arn_type, arn);
  if (!name) return not_found;
  auto r = store->Get(ctx.partition, kind, *name);
  if (r.status().IsNotFound()) return not_found;
  if (!r.ok()) return FromStorage(r.status());
  return std::move(*r);
}

std::string RevisionId(const storage::ResourceRecord& r) {
  // Opaque to clients; distinct per record and revision, stable across restarts.
  return fmt::format("{:016x}-{}", HashBytes(r.name, static_cast<uint64_t>(r.creation_time_ms)),
                     r.revision);
}

}  // namespace cwlogd::api::detail
