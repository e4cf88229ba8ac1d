// RocksResourceStore against a real RocksDB: create/update/delete, limits, listing, records
// bound to a log group, durability across a reopen.
#include "storage/resource_store.h"

#include <string>
#include <vector>

#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using testing::kOther;
using testing::kP;
using testing::TempDir;
using K = ResourceKind;

ResourceStore::Edit SetField(std::string key, std::string value) {
  return [key = std::move(key), value = std::move(value)](const ResourceRecord* current,
                                                          ResourceRecord* out) {
    if (current) *out = *current;
    out->fields[key] = value;
    return Status::OK();
  };
}

std::vector<std::string> Names(ResourceStore& store, const Partition& p, K kind,
                               std::string_view prefix = "", std::string_view after = "") {
  std::vector<std::string> names;
  Status s = store.List(p, kind, prefix, after, [&](const ResourceRecord& r) {
    names.push_back(r.name);
    return true;
  });
  REQUIRE(s.ok());
  return names;
}

TEST_CASE("Resources: create, update, get, delete, per kind and partition",
          "[storage][resources]") {
  TempDir dir;
  auto logs = testing::OpenStore(dir.path());
  ResourceStore& store = *logs->resource_store();
  REQUIRE(store.Update(kP, K::kDestination, "d1", 100, {}, SetField("targetArn", "t1")).ok());
  auto r = store.Get(kP, K::kDestination, "d1");
  REQUIRE(r.ok());
  CHECK(r->name == "d1");
  CHECK(r->creation_time_ms == 100);
  CHECK(r->last_updated_ms == 100);
  CHECK(r->revision == 1);
  CHECK(r->fields.at("targetArn") == "t1");

  REQUIRE(store.Update(kP, K::kDestination, "d1", 200, {}, SetField("roleArn", "r")).ok());
  r = store.Get(kP, K::kDestination, "d1");
  REQUIRE(r.ok());
  CHECK(r->creation_time_ms == 100);
  CHECK(r->last_updated_ms == 200);
  CHECK(r->revision == 2);
  CHECK(r->fields.size() == 2);

  // Other kinds and partitions do not see it.
  CHECK(store.Get(kP, K::kResourcePolicy, "d1").status().IsNotFound());
  CHECK(store.Get(kOther, K::kDestination, "d1").status().IsNotFound());
  CHECK(store.Get(kP, K::kDestination, "d1").ok());

  // An edit that refuses writes nothing.
  Status refused = store.Update(
      kP, K::kDestination, "d2", 1, {},
      [](const ResourceRecord*, ResourceRecord*) { return Status::InvalidArgument("no"); });
  CHECK(refused.code() == Status::Code::kInvalidArgument);
  CHECK(store.Get(kP, K::kDestination, "d2").status().IsNotFound());

  // A check may refuse a delete.
  Status kept = store.Delete(kP, K::kDestination, "d1", [](const ResourceRecord&) {
    return Status::FailedPrecondition(Status::Precondition::kResourceLimit);
  });
  CHECK(kept.code() == Status::Code::kFailedPrecondition);
  REQUIRE(store.Delete(kP, K::kDestination, "d1").ok());
  CHECK(store.Get(kP, K::kDestination, "d1").status().IsNotFound());
  Status missing = store.Delete(kP, K::kDestination, "d1");
  CHECK(missing.IsNotFound());
  CHECK(missing.resource() == Status::Resource::kResource);
}

TEST_CASE("Resources: UpdateWith writes the record and its companions together, or none",
          "[storage][resources]") {
  TempDir dir;
  auto logs = testing::OpenStore(dir.path());
  ResourceStore& store = *logs->resource_store();
  ResourceRecord run;
  run.name = std::string("q\0", 2) + "00000000000000000042";
  run.creation_time_ms = 40;
  run.last_updated_ms = 42;
  run.revision = 2;
  run.fields["executionStatus"] = "Complete";
  REQUIRE(store
              .UpdateWith(kP, K::kScheduledQuery, "q", 42, {}, SetField("nextFireTime", "99"),
                          {{K::kScheduledQueryRun, run}})
              .ok());
  CHECK(store.Get(kP, K::kScheduledQuery, "q")->fields.at("nextFireTime") == "99");
  auto stored = store.Get(kP, K::kScheduledQueryRun, run.name);
  REQUIRE(stored.ok());
  CHECK(stored->creation_time_ms == 40);
  CHECK(stored->revision == 2);
  CHECK(stored->fields.at("executionStatus") == "Complete");

  // A refused edit writes no companion either.
  run.name = std::string("q\0", 2) + "00000000000000000043";
  Status refused = store.UpdateWith(kP, K::kScheduledQuery, "gone", 43, {},
                                    [](const ResourceRecord*, ResourceRecord*) {
                                      return Status::NotFound(Status::Resource::kResource);
                                    },
                                    {{K::kScheduledQueryRun, run}});
  CHECK(refused.IsNotFound());
  CHECK(store.Get(kP, K::kScheduledQueryRun, run.name).status().IsNotFound());
  // Companions bound to a log group are refused (they need the group's lock).
  ResourceRecord policy;
  policy.name = "g";
  CHECK_FALSE(store
                  .UpdateWith(kP, K::kScheduledQuery, "q", 44, {}, SetField("a", "b"),
                              {{K::kIndexPolicy, policy}})
                  .ok());
  CHECK_FALSE(store.Get(kP, K::kScheduledQuery, "q")->fields.contains("a"));
}

TEST_CASE("Resources: a kind's limit counts its records in the partition only",
          "[storage][resources]") {
  TempDir dir;
  auto logs = testing::OpenStore(dir.path());
  ResourceStore& store = *logs->resource_store();
  for (int i = 0; i < 3; ++i) {
    REQUIRE(
        store
            .Update(kP, K::kResourcePolicy, "p" + std::to_string(i), 1, {3, ""}, SetField("d", "x"))
            .ok());
  }
  Status s = store.Update(kP, K::kResourcePolicy, "p3", 1, {3, ""}, SetField("d", "x"));
  CHECK(s.precondition() == Status::Precondition::kResourceLimit);
  // Updating an existing one is no new record.
  CHECK(store.Update(kP, K::kResourcePolicy, "p1", 2, {3, ""}, SetField("d", "y")).ok());
  CHECK(store.Update(kOther, K::kResourcePolicy, "p3", 1, {3, ""}, SetField("d", "x")).ok());
  CHECK(store.Update(kP, K::kDestination, "p3", 1, {3, ""}, SetField("d", "x")).ok());
  REQUIRE(store.Delete(kP, K::kResourcePolicy, "p0").ok());
  CHECK(store.Update(kP, K::kResourcePolicy, "p3", 1, {3, ""}, SetField("d", "x")).ok());
  // A limit may count only the names with a prefix (e.g. one account policy type).
  CHECK(store.Update(kP, K::kResourcePolicy, "q0", 1, {1, "q"}, SetField("d", "x")).ok());
  CHECK(
      store.Update(kP, K::kResourcePolicy, "q1", 1, {1, "q"}, SetField("d", "x")).precondition() ==
      Status::Precondition::kResourceLimit);
}

TEST_CASE("Resources: listing by name bytes with prefix and start_after", "[storage][resources]") {
  TempDir dir;
  auto logs = testing::OpenStore(dir.path());
  ResourceStore& store = *logs->resource_store();
  for (const char* n : {"b", "a", "ab", "B", "c"}) {
    REQUIRE(store.Update(kP, K::kDestination, n, 1, {}, SetField("f", n)).ok());
  }
  REQUIRE(store.Update(kOther, K::kDestination, "a0", 1, {}, SetField("f", "")).ok());
  REQUIRE(store.Update(kP, K::kAccountPolicy, "a1", 1, {}, SetField("f", "")).ok());
  CHECK(Names(store, kP, K::kDestination) == std::vector<std::string>{"B", "a", "ab", "b", "c"});
  CHECK(Names(store, kP, K::kDestination, "a") == std::vector<std::string>{"a", "ab"});
  CHECK(Names(store, kP, K::kDestination, "", "a") == std::vector<std::string>{"ab", "b", "c"});
  CHECK(Names(store, kP, K::kDestination, "a", "a") == std::vector<std::string>{"ab"});
  CHECK(Names(store, kP, K::kDestination, "z").empty());
}

TEST_CASE("Resources: one kind listed across every partition", "[storage][resources]") {
  TempDir dir;
  auto logs = testing::OpenStore(dir.path());
  ResourceStore& store = *logs->resource_store();
  REQUIRE(store.Update(kP, K::kExportTask, "t2", 1, {}, SetField("status", "RUNNING")).ok());
  REQUIRE(store.Update(kOther, K::kExportTask, "t1", 1, {}, SetField("status", "PENDING")).ok());
  REQUIRE(store.Update(kP, K::kDestination, "d", 1, {}, SetField("f", "")).ok());
  std::vector<std::string> seen;
  REQUIRE(store
              .ListAllPartitions(K::kExportTask,
                                 [&](const Partition& p, const ResourceRecord& r) {
                                   seen.push_back(p.account + "/" + r.name + "/" +
                                                  r.fields.at("status"));
                                   return true;
                                 })
              .ok());
  // Partition order first (kP is account 000000000000), then name; other kinds never appear.
  CHECK(seen == std::vector<std::string>{"000000000000/t2/RUNNING", "111111111111/t1/PENDING"});
  size_t visits = 0;
  REQUIRE(store
              .ListAllPartitions(K::kExportTask,
                                 [&](const Partition&, const ResourceRecord&) {
                                   ++visits;
                                   return false;
                                 })
              .ok());
  CHECK(visits == 1);
}

TEST_CASE("Resources bound to a log group need the group and go away with it",
          "[storage][resources]") {
  TempDir dir;
  auto logs = testing::OpenStore(dir.path());
  ResourceStore& store = *logs->resource_store();
  Status s = store.Update(kP, K::kDataProtectionPolicy, "g", 1, {}, SetField("d", "x"));
  CHECK(s.IsNotFound());
  CHECK(s.resource() == Status::Resource::kLogGroup);
  LogGroupInfo g;
  g.name = "g";
  REQUIRE(logs->CreateLogGroup(kP, g).ok());
  REQUIRE(store.Update(kP, K::kDataProtectionPolicy, "g", 1, {}, SetField("d", "x")).ok());
  REQUIRE(store.Update(kP, K::kIndexPolicy, "g", 1, {}, SetField("d", "y")).ok());
  REQUIRE(store.Update(kP, K::kTransformer, "g", 1, {}, SetField("d", "t")).ok());
  REQUIRE(store.Update(kP, K::kDestination, "g", 1, {}, SetField("d", "z")).ok());
  REQUIRE(logs->DeleteLogGroup(kP, "g").ok());
  CHECK(store.Get(kP, K::kDataProtectionPolicy, "g").status().IsNotFound());
  CHECK(store.Get(kP, K::kIndexPolicy, "g").status().IsNotFound());
  CHECK(store.Get(kP, K::kTransformer, "g").status().IsNotFound());
  CHECK(store.Get(kP, K::kDestination, "g").ok());  // not bound to the group
  REQUIRE(logs->CreateLogGroup(kP, g).ok());
  CHECK(store.Get(kP, K::kDataProtectionPolicy, "g").status().IsNotFound());
  CHECK(store.Delete(kP, K::kIndexPolicy, "g").IsNotFound());
}

TEST_CASE("Resources survive a reopen and are wiped by Reset", "[storage][resources]") {
  TempDir dir;
  {
    auto logs = testing::OpenStore(dir.path());
    REQUIRE(logs->resource_store()
                ->Update(kP, K::kAccountPolicy, "x", 5, {}, SetField("policyDocument", "{}"))
                .ok());
  }
  auto logs = testing::OpenStore(dir.path());
  auto r = logs->resource_store()->Get(kP, K::kAccountPolicy, "x");
  REQUIRE(r.ok());
  CHECK(r->fields.at("policyDocument") == "{}");
  CHECK(r->creation_time_ms == 5);
  REQUIRE(logs->Reset().ok());
  CHECK(logs->resource_store()->Get(kP, K::kAccountPolicy, "x").status().IsNotFound());
}

}  // namespace
}  // namespace cwlogd::storage
