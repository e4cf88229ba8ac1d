// Outcome of a storage call; cheap when ok(). Mirrors leveldb::Status.
// Thread-safe to copy and read; a Status is a value.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace cwlogd::storage {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kNotFound,       // resource() says what was missing
    kAlreadyExists,  // resource() says what already exists
    kInvalidArgument,
    kCorruption,
    kIOError,             // RocksDB write/read failure (e.g. disk full)
    kFailedPrecondition,  // precondition() says which check refused
  };

  // What a kNotFound / kAlreadyExists status is about. The api maps these to client texts with a
  // switch (api/api_error.cpp); nothing reads message() to find out.
  enum class Resource {
    kNone,  // not a NotFound/AlreadyExists status
    kLogGroup,
    kLogStream,
    kMetricFilter,
    kSubscriptionFilter,
    kExportTask,
    kDestination,
    kQueryDefinition,
    kQuery,
    kResource,  // a ResourceStore record (storage/resource_store.h); the api names the kind
  };

  // Which check refused a kFailedPrecondition status.
  enum class Precondition {
    kNone,                  // not a FailedPrecondition status
    kDeletionProtection,    // deleting a log group with deletion protection on
    kMetricFilterLimit,     // the group already has its maximum of metric filters
    kTooManyTags,           // a tag update would exceed the per-resource limit
    kResourceLimit,         // the partition already holds its maximum of that kind of resource
    kQueryDefinitionLimit,  // the partition already has its maximum of query definitions
    kClientTokenReused,     // an idempotency token came back with a different request
  };

  Status() = default;
  static Status OK() { return {}; }
  // message() defaults to the resource's name ("log group", ...) for server logs and tests.
  static Status NotFound(Resource r) { return {Code::kNotFound, r, Precondition::kNone}; }
  static Status AlreadyExists(Resource r) { return {Code::kAlreadyExists, r, Precondition::kNone}; }
  static Status FailedPrecondition(Precondition p) {
    return {Code::kFailedPrecondition, Resource::kNone, p};
  }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  // Corruption / IOError messages may hold RocksDB text and file paths: for server logs only,
  // never for a client.
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsAlreadyExists() const { return code_ == Code::kAlreadyExists; }
  Code code() const { return code_; }
  Resource resource() const { return resource_; }
  Precondition precondition() const { return precondition_; }
  const std::string& message() const { return message_; }

  // Lower-case English name of a resource, e.g. "log stream"; "resource" for kNone.
  static const char* ResourceName(Resource r) {
    switch (r) {
      case Resource::kLogGroup:
        return "log group";
      case Resource::kLogStream:
        return "log stream";
      case Resource::kMetricFilter:
        return "metric filter";
      case Resource::kSubscriptionFilter:
        return "subscription filter";
      case Resource::kExportTask:
        return "export task";
      case Resource::kDestination:
        return "destination";
      case Resource::kQueryDefinition:
        return "query definition";
      case Resource::kQuery:
        return "query";
      case Resource::kResource:
        return "resource";
      case Resource::kNone:
        break;
    }
    return "resource";
  }

  // Short description of a precondition, e.g. "metric filter limit", for logs.
  static const char* PreconditionName(Precondition p) {
    switch (p) {
      case Precondition::kDeletionProtection:
        return "log group deletion protection";
      case Precondition::kMetricFilterLimit:
        return "metric filter limit";
      case Precondition::kTooManyTags:
        return "too many tags";
      case Precondition::kResourceLimit:
        return "resource limit";
      case Precondition::kQueryDefinitionLimit:
        return "query definition limit";
      case Precondition::kClientTokenReused:
        return "client token reused with a different request";
      case Precondition::kNone:
        break;
    }
    return "failed precondition";
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Status(Code code, Resource r, Precondition p)
      : code_(code),
        resource_(r),
        precondition_(p),
        message_(p != Precondition::kNone ? PreconditionName(p) : ResourceName(r)) {}

  Code code_ = Code::kOk;
  Resource resource_ = Resource::kNone;
  Precondition precondition_ = Precondition::kNone;
  std::string message_;
};

// A value of T, or the non-ok Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : value_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(value_);
  }
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace cwlogd::storage
