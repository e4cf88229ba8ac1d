// The saved Logs Insights queries: their record codec (on-disk format) and the RocksDB store
// (create, update, limit, delete, list, durability across a reopen, reset, partitions).
#include "storage/query_definition_store.h"

#include <string>
#include <vector>

#include "storage/keys.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using testing::OpenStore;
using testing::TempDir;

const Partition kP{"000000000000", "us-east-1"};
const Partition kOther{"111111111111", "us-east-1"};

QueryDefinition Definition(std::string id, std::string name) {
  QueryDefinition d;
  d.id = std::move(id);
  d.name = std::move(name);
  d.query_string = "fields @timestamp, @message | limit 5";
  d.log_group_names = {"/aws/lambda/a", "b"};
  d.parameters = {{"level", std::string("ERROR"), std::nullopt},
                  {"service", std::nullopt, std::string("which one")}};
  d.last_modified_ms = 1'700'000'000'123;
  return d;
}

std::vector<QueryDefinition> All(QueryDefinitionStore& store, const Partition& p) {
  std::vector<QueryDefinition> out;
  REQUIRE(store
              .ListQueryDefinitions(p,
                                    [&](const QueryDefinition& d) {
                                      out.push_back(d);
                                      return true;
                                    })
              .ok());
  return out;
}

}  // namespace

TEST_CASE("A query definition record round-trips through its codec", "[keys][query_definition]") {
  QueryDefinition d = Definition("", "errors");
  QueryDefinition back;
  REQUIRE(keys::DecodeQueryDefinition(keys::EncodeQueryDefinition(d), &back));
  CHECK(back == d);

  SECTION("with no groups and no parameters") {
    QueryDefinition bare;
    bare.name = "n";
    bare.query_string = "q";
    REQUIRE(keys::DecodeQueryDefinition(keys::EncodeQueryDefinition(bare), &back));
    CHECK(back == bare);
  }
  SECTION("a truncated or extended record is refused") {
    std::string v = keys::EncodeQueryDefinition(d);
    for (size_t n = 0; n < v.size(); ++n) {
      CHECK_FALSE(keys::DecodeQueryDefinition(v.substr(0, n), &back));
    }
    CHECK_FALSE(keys::DecodeQueryDefinition(v + "x", &back));
  }
}

TEST_CASE("Query definition keys keep partitions apart and sort by id",
          "[keys][query_definition]") {
  // DO NOT CHANGE: these bytes are the on-disk format (docs/storage-format.md).
  CHECK(keys::QueryDefinitionKey(kP, "ab") == std::string("\x07\x0c"
                                                          "000000000000"
                                                          "\x09"
                                                          "us-east-1"
                                                          "ab"));
  CHECK(keys::QueryDefinitionKey(kP, "a") < keys::QueryDefinitionKey(kP, "b"));
  CHECK_FALSE(keys::QueryDefinitionKey(kOther, "a").starts_with(keys::QueryDefinitionPrefix(kP)));
  // Never inside the log groups' key range (0x02 ...), which Reset and ListLogGroups walk.
  CHECK(keys::QueryDefinitionPrefix(kP)[0] != keys::GroupKeyPrefix(kP)[0]);
}

TEST_CASE("Query definitions are created, replaced, listed and deleted durably",
          "[rocks][query_definition]") {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    QueryDefinitionStore* defs = store->query_definition_store();
    REQUIRE(defs != nullptr);
    REQUIRE(defs->PutQueryDefinition(kP, Definition("id-2", "second"), false, 1000).ok());
    REQUIRE(defs->PutQueryDefinition(kP, Definition("id-1", "first"), false, 1000).ok());
    REQUIRE(defs->PutQueryDefinition(kOther, Definition("id-9", "other"), false, 1000).ok());

    // An update replaces every field: here the groups and parameters go away.
    QueryDefinition update;
    update.id = "id-2";
    update.name = "renamed";
    update.query_string = "stats count(*)";
    update.last_modified_ms = 5;
    REQUIRE(defs->PutQueryDefinition(kP, update, true, 1000).ok());

    Status missing = defs->PutQueryDefinition(kP, Definition("nope", "x"), true, 1000);
    CHECK(missing.IsNotFound());
    CHECK(missing.resource() == Status::Resource::kQueryDefinition);
  }
  // Reopened: everything is still there.
  auto store = OpenStore(dir.path());
  QueryDefinitionStore* defs = store->query_definition_store();
  auto all = All(*defs, kP);
  REQUIRE(all.size() == 2);
  CHECK(all[0] == Definition("id-1", "first"));
  CHECK(all[1].id == "id-2");
  CHECK(all[1].name == "renamed");
  CHECK(all[1].log_group_names.empty());
  CHECK(all[1].parameters.empty());
  CHECK(All(*defs, kOther).size() == 1);

  CHECK(defs->DeleteQueryDefinition(kP, "id-1").ok());
  CHECK(defs->DeleteQueryDefinition(kP, "id-1").IsNotFound());
  CHECK(All(*defs, kP).size() == 1);

  REQUIRE(store->Reset().ok());
  CHECK(All(*defs, kP).empty());
  CHECK(All(*defs, kOther).empty());
}

TEST_CASE("A partition holds at most max_definitions query definitions",
          "[rocks][query_definition]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  QueryDefinitionStore* defs = store->query_definition_store();
  for (int i = 0; i < 3; ++i) {
    REQUIRE(defs->PutQueryDefinition(kP, Definition("id" + std::to_string(i), "n"), false, 3).ok());
  }
  Status full = defs->PutQueryDefinition(kP, Definition("id9", "n"), false, 3);
  CHECK(full.code() == Status::Code::kFailedPrecondition);
  CHECK(full.precondition() == Status::Precondition::kQueryDefinitionLimit);
  // Updates still work at the limit, and another partition has its own count.
  CHECK(defs->PutQueryDefinition(kP, Definition("id1", "changed"), true, 3).ok());
  CHECK(defs->PutQueryDefinition(kOther, Definition("id9", "n"), false, 3).ok());
  REQUIRE(defs->DeleteQueryDefinition(kP, "id0").ok());
  CHECK(defs->PutQueryDefinition(kP, Definition("id9", "n"), false, 3).ok());
}

}  // namespace cwlogd::storage
