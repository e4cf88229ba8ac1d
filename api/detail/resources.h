// Helpers shared by the handlers of account-level resources (api/handlers/resource_policies/,
// destinations/, account_policies/, data_protection/, index_policies/, anomaly_detectors/,
// integrations/): the resource store, the name-ordered paging over one kind, policy documents
// that must be JSON, and the log group a logGroupIdentifier names. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/context.h"
#include "api/request_reader.h"
#include "api/result.h"
#include "storage/resource_store.h"

namespace cwlogd::api::detail {

// destinationName / DestinationNamePrefix: 1-512, [^:*]*
extern const StringRule kDestinationNameRule;
// Members the model gives no constraint (policyName, resourceArn, ...), and those it only gives
// a minimum length of 1 (targetArn, roleArn, accessPolicy, expectedRevisionId).
extern const StringRule kAnyStringRule;
extern const StringRule kNonEmptyRule;
// Model `PolicyDocument` (resource and index policies): 1-51200.
extern const StringRule kPolicyDocumentRule;

// The store of account-level resources, or nullptr (then answer NoResourceStore()).
storage::ResourceStore* Resources(Context& ctx);
ApiError NoResourceStore();

// One page of a kind's records in name order. `next_token` resumes a page this function handed
// out for the same `token_kind` and `query_digest` (else "The specified nextToken is invalid.").
// `keep` (optional) filters records without ending the page early.
struct ResourcePage {
  std::vector<storage::ResourceRecord> items;
  std::optional<std::string> next_token;
};
std::variant<ResourcePage, ApiError> ListResourcePage(
    Context& ctx, storage::ResourceKind kind, std::string_view prefix,
    const std::optional<std::string>& next_token, size_t limit, char token_kind,
    uint64_t query_digest, const std::function<bool(const storage::ResourceRecord&)>& keep = {});

// A policy document must be a JSON object: InvalidParameterException naming `member` otherwise.
// On success *parsed (optional) holds it.
std::optional<ApiError> CheckJsonObject(std::string_view document, std::string_view member,
                                        nlohmann::json* parsed = nullptr);

// The name of the existing log group `identifier` (a name or an ARN) names, or
// ResourceNotFoundException "The specified log group does not exist.".
std::variant<std::string, ApiError> ExistingGroup(Context& ctx, std::string_view identifier);

// A resource that belongs to a log group (data protection and index policies): the store and
// the existing group `identifier` names, or the error to answer (no store, no such group).
struct GroupResourceTarget {
  storage::ResourceStore* store = nullptr;
  std::string group;  // the group's name
};
std::variant<GroupResourceTarget, ApiError> FindGroupResource(Context& ctx,
                                                              std::string_view identifier);

// Get<Kind> of a resource that belongs to a log group: reads logGroupIdentifier and looks up the
// group's record of `kind` (`record` empty when the group has none).
struct GroupResource {
  std::string group;  // the group's name
  std::optional<storage::ResourceRecord> record;
};
std::variant<GroupResource, ApiError> GetGroupResource(const nlohmann::json& request, Context& ctx,
                                                       storage::ResourceKind kind);

// Delete<Kind> of a resource that belongs to a log group: reads logGroupIdentifier, deletes the
// group's record of `kind`; ResourceNotFoundException `missing` when the group has none.
ApiResult DeleteGroupResource(const nlohmann::json& request, Context& ctx,
                              storage::ResourceKind kind, std::string_view missing);

// The record of `kind` that `arn` names: an `arn_type` ARN of the caller's partition
// (LogsResourceArn) whose name is the record's name. `not_found` is the answer when the ARN is
// malformed, of another account or region, or names no record.
std::variant<storage::ResourceRecord, ApiError> FindRecordByArn(Context& ctx,
                                                                storage::ResourceKind kind,
                                                                std::string_view arn_type,
                                                                std::string_view arn,
                                                                const ApiError& not_found);

// A record's revision as the opaque revisionId string of the API.
std::string RevisionId(const storage::ResourceRecord& r);

}  // namespace cwlogd::api::detail
