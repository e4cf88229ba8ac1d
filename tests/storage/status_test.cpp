// Typed storage::Status: NotFound/AlreadyExists name a resource and FailedPrecondition names the
// check, so the api can map them with a switch instead of reading message text.
#include "storage/status.h"

#include <string>

#include "tests/catch2.h"

namespace cwlogd::storage {
namespace {

TEST_CASE("NotFound and AlreadyExists carry the resource", "[status]") {
  Status missing = Status::NotFound(Status::Resource::kLogStream);
  CHECK(missing.IsNotFound());
  CHECK(missing.resource() == Status::Resource::kLogStream);
  CHECK(missing.precondition() == Status::Precondition::kNone);
  CHECK(missing.message() == "log stream");  // for logs; callers switch on resource()

  Status dup = Status::AlreadyExists(Status::Resource::kLogGroup);
  CHECK(dup.IsAlreadyExists());
  CHECK(dup.resource() == Status::Resource::kLogGroup);
  CHECK(dup.message() == "log group");
}

TEST_CASE("FailedPrecondition carries the check", "[status]") {
  Status s = Status::FailedPrecondition(Status::Precondition::kDeletionProtection);
  CHECK(s.code() == Status::Code::kFailedPrecondition);
  CHECK(s.precondition() == Status::Precondition::kDeletionProtection);
  CHECK(s.resource() == Status::Resource::kNone);
}

TEST_CASE("Every resource and precondition has a name", "[status]") {
  for (auto r : {Status::Resource::kLogGroup, Status::Resource::kLogStream,
                 Status::Resource::kMetricFilter, Status::Resource::kSubscriptionFilter,
                 Status::Resource::kExportTask, Status::Resource::kDestination,
                 Status::Resource::kQueryDefinition, Status::Resource::kQuery}) {
    CHECK(std::string(Status::ResourceName(r)) != "resource");
  }
  CHECK(std::string(Status::ResourceName(Status::Resource::kNone)) == "resource");
  for (auto p : {Status::Precondition::kDeletionProtection,
                 Status::Precondition::kMetricFilterLimit, Status::Precondition::kTooManyTags}) {
    CHECK(std::string(Status::PreconditionName(p)) != "failed precondition");
  }
}

TEST_CASE("Other codes keep their message and name nothing", "[status]") {
  Status io = Status::IOError("write: IO error: No space left on device");
  CHECK(io.code() == Status::Code::kIOError);
  CHECK(io.resource() == Status::Resource::kNone);
  CHECK(io.message() == "write: IO error: No space left on device");
  CHECK(Status::OK().ok());
}

}  // namespace
}  // namespace cwlogd::storage
