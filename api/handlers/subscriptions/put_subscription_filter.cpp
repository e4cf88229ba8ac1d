// PutSubscriptionFilter: validate, check the destination as AWS does, store the filter (creating
// or replacing it; at most two per group). Delivery starts with the next batch of the group
// (api/subscription_delivery.h).
#include <algorithm>
#include <array>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "api/handlers/metric_filter_handlers.h"
#include "api/handlers/subscription_handlers.h"
#include "api/handlers/subscriptions/subscription_filter.h"
#include "api/metric_filter_eval.h"
#include "api/request_reader.h"
#include "filters/filter_pattern.h"
#include "storage/metric_store.h"

namespace cwlogd::api {

namespace subscriptions {

nlohmann::json FilterJson(std::string_view group, const storage::ResourceRecord& r) {
  nlohmann::json out = {{"filterName", r.name}, {"logGroupName", std::string(group)}};
  out["filterPattern"] = r.FindField("filterPattern") ? *r.FindField("filterPattern") : "";
  out["destinationArn"] = r.FindField("destinationArn") ? *r.FindField("destinationArn") : "";
  if (const std::string* role = r.FindField("roleArn")) out["roleArn"] = *role;
  out["distribution"] = r.FindField("distribution") ? *r.FindField("distribution") : "ByLogStream";
  const std::string* apply = r.FindField("applyOnTransformedLogs");
  out["applyOnTransformedLogs"] = apply != nullptr && *apply == "true";
  if (const std::string* criteria = r.FindField("fieldSelectionCriteria")) {
    out["fieldSelectionCriteria"] = *criteria;
  }
  if (const std::string* emit = r.FindField("emitSystemFields")) {
    nlohmann::json list = nlohmann::json::array();
    size_t start = 0;
    while (start <= emit->size()) {
      size_t end = emit->find('\n', start);
      if (end == std::string::npos) end = emit->size();
      list.push_back(emit->substr(start, end - start));
      start = end + 1;
    }
    out["emitSystemFields"] = std::move(list);
  }
  out["creationTime"] = r.creation_time_ms;
  return out;
}

ApiError FilterNotFound() {
  return ApiError::ResourceNotFound("The specified subscription filter does not exist.");
}

ApiError NoSubscriptionStore() {
  return ApiError::ServiceUnavailable("Subscription filters are not available on this store.");
}

std::optional<ParsedArn> ParseArn(std::string_view arn) {
  // arn:<partition>:<service>:<region>:<account>:<resource...>
  std::array<std::string_view, 5> head;
  for (auto& part : head) {
    size_t colon = arn.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  if (head[0] != "arn" || head[1].empty() || head[2].empty() || arn.empty()) return std::nullopt;
  return ParsedArn{std::string(head[2]), std::string(head[3]), std::string(head[4]),
                   std::string(arn)};
}

}  // namespace subscriptions

namespace {

namespace sub = subscriptions;

constexpr std::array<std::string_view, 2> kDistributions = {"Random", "ByLogStream"};
const StringRule kSubscriptionArnRule{1, std::numeric_limits<size_t>::max(), "", nullptr, false};
const StringRule kFieldSelectionCriteriaRule{0, 2000, "", nullptr, false};
const StringRule kSystemFieldRule{};

// The destination checks that come before the log group's (a foreign Lambda is refused even
// for a missing group: logs-api.md §6.1).
std::optional<ApiError> CheckCrossAccount(const Context& ctx, const sub::ParsedArn& arn) {
  if (arn.service == "lambda" && arn.account != ctx.partition.account) {
    return ApiError{"AccessDeniedException",
                    "Cross-account lambda invocation passing is not allowed. You must use "
                    "DestinationPolicies to create cross account lambda triggers."};
  }
  return std::nullopt;
}

// The destination itself: a same-account Lambda, Kinesis stream or Firehose stream (the last two
// with a role), or an existing Logs destination.
std::optional<ApiError> CheckDestination(const Context& ctx, const std::string& text,
                                         const sub::ParsedArn& arn, bool has_role) {
  if (arn.service == "lambda") {
    if (!arn.resource.starts_with("function:") || arn.resource.size() == 9) {
      return ApiError::InvalidParameter(
          "Could not execute the lambda function. Make sure you have given CloudWatch Logs "
          "permission to execute your function.");
    }
    return std::nullopt;
  }
  if (arn.service == "kinesis" || arn.service == "firehose") {
    const bool kinesis = arn.service == "kinesis";
    if (!has_role) {
      return ApiError::InvalidParameter(
          fmt::format("destinationArn for vendor {} cannot be used without roleArn", arn.service));
    }
    const std::string_view kind = kinesis ? "stream/" : "deliverystream/";
    if (!arn.resource.starts_with(kind) || arn.resource.size() == kind.size() ||
        arn.account != ctx.partition.account) {
      return ApiError::InvalidParameter(
          kinesis ? "Could not deliver test message to specified Kinesis stream. Verify the "
                    "stream exists and has write permissions."
                  : "Could not deliver test message to specified Firehose stream. Check if the "
                    "given Firehose stream is in ACTIVE state.");
    }
    return std::nullopt;
  }
  if (arn.service == "logs" && arn.resource.starts_with("destination:")) {
    // A destination of this or another account of this server.
    storage::ResourceStore* resources = ctx.store.resource_store();
    const std::string name = arn.resource.substr(12);
    if (resources != nullptr && !name.empty()) {
      auto d = resources->Get({arn.account, arn.region}, storage::ResourceKind::kDestination, name);
      if (d.ok()) return std::nullopt;
      if (!d.status().IsNotFound()) return FromStorage(d.status());
    }
    return ApiError::ResourceNotFound("The specified destination does not exist.");
  }
  // Our wording: AWS's text for other services is not known.
  return ApiError::InvalidParameter(
      fmt::format("Invalid destinationArn: {} is not a Lambda function, Kinesis stream, Firehose "
                  "stream or CloudWatch Logs destination.",
                  text));
}

// Filters of the group, metric and subscription, other than this one, whose pattern holds a
// %regex% (the quota of docs/filter-patterns.md).
storage::Result<int32_t> OtherRegexFilters(Context& ctx, const std::string& group,
                                           const std::string& filter) {
  int32_t count = 0;
  if (storage::MetricStore* metrics = ctx.store.metric_store()) {
    storage::MetricFilterQuery query;
    query.log_group = group;
    storage::Status s = metrics->ListMetricFilters(ctx.partition, query, [&](const auto& existing) {
      auto compiled = ctx.metric_filter_cache.Get(existing);
      if (compiled != nullptr && compiled->evaluator.pattern().regex_count() > 0) ++count;
      return true;
    });
    if (!s.ok()) return s;
  }
  storage::Status s = ctx.store.subscription_store()->ListFilters(
      ctx.partition, group, "", "", [&](const storage::ResourceRecord& r) {
        if (r.name == filter) return true;
        filters::ParseError ignored;
        auto it = r.fields.find("filterPattern");
        auto p = filters::ParseFilterPattern(it == r.fields.end() ? "" : it->second, &ignored);
        if (p && p->regex_count() > 0) ++count;
        return true;
      });
  if (!s.ok()) return s;
  return count;
}

}  // namespace

ApiResult HandlePutSubscriptionFilter(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, true);
  auto name = in.String("filterName", kFilterNameRule, true);
  auto pattern = in.String("filterPattern", kFilterPatternRule, true);
  auto destination = in.String("destinationArn", kSubscriptionArnRule, true);
  auto role = in.String("roleArn", kSubscriptionArnRule);
  auto distribution = in.Enum("distribution", kDistributions);
  auto apply_on_transformed = in.Bool("applyOnTransformedLogs");
  auto criteria = in.String("fieldSelectionCriteria", kFieldSelectionCriteriaRule);
  auto emit = in.StringList("emitSystemFields", ListRule{}, kSystemFieldRule);
  if (in.failed()) return in.error();
  storage::SubscriptionStore* store = ctx.store.subscription_store();
  if (store == nullptr) return sub::NoSubscriptionStore();

  auto arn = sub::ParseArn(*destination);
  if (arn) {
    if (auto e = CheckCrossAccount(ctx, *arn)) return *e;
  }
  if (auto g = ctx.store.GetLogGroup(ctx.partition, *group); !g.ok()) {
    return FromStorage(g.status());
  }
  if (!arn) {
    return ApiError::InvalidParameter(
        fmt::format("Invalid destinationArn: {} is not an ARN.", *destination));
  }
  if (auto e = CheckDestination(ctx, *destination, *arn, role.has_value())) return *e;
  filters::ParseError perr;
  auto parsed = filters::ParseFilterPattern(*pattern, &perr);
  if (!parsed) {
    return ApiError::InvalidParameter(perr.message.empty() ? "Invalid filter pattern"
                                                           : perr.message);
  }
  if (parsed->regex_count() > 0) {
    auto others = OtherRegexFilters(ctx, *group, *name);
    if (!others.ok()) return FromStorage(others.status());
    if (*others >= kMaxRegexFiltersPerGroup) {
      return ApiError::LimitExceeded(
          "A log group can have at most 5 metric and subscription filters whose filter pattern "
          "contains a regular expression.");
    }
  }

  storage::Status s = store->PutFilter(
      ctx.partition, *group, *name, ctx.clock.NowMillis(), kMaxSubscriptionFiltersPerGroup,
      [&](const storage::ResourceRecord*, storage::ResourceRecord* out) {
        // An update replaces every setting (logs-api.md §6.1); the creation time stays.
        out->fields["filterPattern"] = *pattern;
        out->fields["destinationArn"] = *destination;
        if (role) out->fields["roleArn"] = *role;
        out->fields["distribution"] = distribution.value_or("ByLogStream");
        out->fields["applyOnTransformedLogs"] =
            apply_on_transformed.value_or(false) ? "true" : "false";
        if (criteria) out->fields["fieldSelectionCriteria"] = *criteria;
        if (emit && !emit->empty()) {
          std::string joined;
          for (const auto& f : *emit) joined += (joined.empty() ? "" : "\n") + f;
          out->fields["emitSystemFields"] = joined;
        }
        return storage::Status::OK();
      },
      [](const storage::ResourceRecord& before, const storage::ResourceRecord& after) {
        // A new destination gets its own CONTROL_MESSAGE.
        auto arn_of = [](const storage::ResourceRecord& r) {
          auto it = r.fields.find("destinationArn");
          return it == r.fields.end() ? std::string() : it->second;
        };
        return arn_of(before) != arn_of(after);
      });
  if (s.code() == storage::Status::Code::kFailedPrecondition) return ApiError::LimitExceeded();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
