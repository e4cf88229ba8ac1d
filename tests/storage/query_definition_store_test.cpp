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

using testing::kOther;
using testing::kP;
using testing::OpenStore;
using testing::TempDir;

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
  SECTION("with a client token (version 2)") {
    d.client_token = std::string(36, 't');
    std::string v = keys::EncodeQueryDefinition(d);
    CHECK(v[0] == 0x02);
    REQUIRE(keys::DecodeQueryDefinition(v, &back));
    CHECK(back == d);
  }
  SECTION("a truncated or extended record is refused") {
    d.client_token = GENERATE(std::string(), std::string("token-token-token-token-token-token"));
    std::string v = keys::EncodeQueryDefinition(d);
    for (size_t n = 0; n < v.size(); ++n) {
      CHECK_FALSE(keys::DecodeQueryDefinition(v.substr(0, n), &back));
    }
    CHECK_FALSE(keys::DecodeQueryDefinition(v + "x", &back));
  }
}

TEST_CASE("A query definition record written before client tokens still reads",
          "[keys][query_definition]") {
  // DO NOT CHANGE: a version 1 record as cwlogd wrote it before version 2 existed.
  const std::string v1(
      "\x01\x02"  // version, zz(1) last modified
      "\x01n\x01q\x04"
      "CWLI"
      "\x01\x01g"                // one group
      "\x01\x01p\x01\x01v\x00",  // one parameter: default "v", no description
      21);
  QueryDefinition back;
  back.client_token = "stale";
  REQUIRE(keys::DecodeQueryDefinition(v1, &back));
  CHECK(back.last_modified_ms == 1);
  CHECK(back.name == "n");
  CHECK(back.query_string == "q");
  CHECK(back.query_language == "CWLI");
  CHECK(back.log_group_names == std::vector<std::string>{"g"});
  REQUIRE(back.parameters.size() == 1);
  CHECK(back.parameters[0] == QueryParameter{"p", std::string("v"), std::nullopt});
  CHECK(back.client_token.empty());
  // A definition without a token is still written as version 1, byte for byte.
  CHECK(keys::EncodeQueryDefinition(back) == v1);
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
    REQUIRE(defs->PutQueryDefinition(kP, Definition("id-2", "second"), false, 1000, 0).ok());
    REQUIRE(defs->PutQueryDefinition(kP, Definition("id-1", "first"), false, 1000, 0).ok());
    REQUIRE(defs->PutQueryDefinition(kOther, Definition("id-9", "other"), false, 1000, 0).ok());

    // An update replaces every field: here the groups and parameters go away.
    QueryDefinition update;
    update.id = "id-2";
    update.name = "renamed";
    update.query_string = "stats count(*)";
    update.last_modified_ms = 5;
    REQUIRE(defs->PutQueryDefinition(kP, update, true, 1000, 0).ok());

    Status missing = defs->PutQueryDefinition(kP, Definition("nope", "x"), true, 1000, 0).status();
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
    REQUIRE(
        defs->PutQueryDefinition(kP, Definition("id" + std::to_string(i), "n"), false, 3, 0).ok());
  }
  Status full = defs->PutQueryDefinition(kP, Definition("id9", "n"), false, 3, 0).status();
  CHECK(full.code() == Status::Code::kFailedPrecondition);
  CHECK(full.precondition() == Status::Precondition::kQueryDefinitionLimit);
  // Updates still work at the limit, and another partition has its own count.
  CHECK(defs->PutQueryDefinition(kP, Definition("id1", "changed"), true, 3, 0).ok());
  CHECK(defs->PutQueryDefinition(kOther, Definition("id9", "n"), false, 3, 0).ok());
  REQUIRE(defs->DeleteQueryDefinition(kP, "id0").ok());
  CHECK(defs->PutQueryDefinition(kP, Definition("id9", "n"), false, 3, 0).ok());
}

}  // namespace cwlogd::storage

namespace cwlogd::storage {

TEST_CASE("A client token makes a repeated query definition write idempotent, durably",
          "[rocks][query_definition]") {
  TempDir dir;
  const std::string token(36, 'a');
  QueryDefinition first = Definition("id-1", "errors");
  first.client_token = token;
  {
    auto store = OpenStore(dir.path());
    QueryDefinitionStore* defs = store->query_definition_store();
    auto made = defs->PutQueryDefinition(kP, first, false, 1000, 0);
    REQUIRE(made.ok());
    CHECK(*made == "id-1");
    // The retry carries a new id (the api makes one per request) and a later time.
    QueryDefinition retry = first;
    retry.id = "id-2";
    retry.last_modified_ms += 1000;
    auto again = defs->PutQueryDefinition(kP, retry, false, 1000, 0);
    REQUIRE(again.ok());
    CHECK(*again == "id-1");
    REQUIRE(All(*defs, kP).size() == 1);
    CHECK(All(*defs, kP)[0] == first);  // not rewritten: same last modified time
  }
  auto store = OpenStore(dir.path());
  QueryDefinitionStore* defs = store->query_definition_store();
  QueryDefinition retry = first;
  retry.id = "id-3";

  SECTION("remembered across a reopen, also when the partition is full") {
    auto again = defs->PutQueryDefinition(kP, retry, false, 1, 0);
    REQUIRE(again.ok());
    CHECK(*again == "id-1");
    CHECK(All(*defs, kP).size() == 1);
  }
  SECTION("the same token with other fields is refused") {
    retry.query_string = "stats count(*)";
    Status s = defs->PutQueryDefinition(kP, retry, false, 1000, 0).status();
    CHECK(s.precondition() == Status::Precondition::kClientTokenReused);
    CHECK(All(*defs, kP).size() == 1);
  }
  SECTION("forgotten before token_since_ms: a new definition") {
    auto made = defs->PutQueryDefinition(kP, retry, false, 1000, first.last_modified_ms + 1);
    REQUIRE(made.ok());
    CHECK(*made == "id-3");
    CHECK(All(*defs, kP).size() == 2);
  }
  SECTION("another partition does not see it") {
    auto made = defs->PutQueryDefinition(kOther, retry, false, 1000, 0);
    REQUIRE(made.ok());
    CHECK(*made == "id-3");
  }
  SECTION("a later write of the definition forgets it") {
    QueryDefinition update = Definition("id-1", "renamed");
    update.last_modified_ms += 5;
    REQUIRE(defs->PutQueryDefinition(kP, update, true, 1000, 0).ok());
    auto made = defs->PutQueryDefinition(kP, retry, false, 1000, 0);
    REQUIRE(made.ok());
    CHECK(*made == "id-3");
  }
  SECTION("an update retried with its token is not written again") {
    const std::string update_token(36, 'u');
    QueryDefinition update = Definition("id-1", "renamed");
    update.last_modified_ms += 5;
    update.client_token = update_token;
    REQUIRE(defs->PutQueryDefinition(kP, update, true, 1000, 0).ok());
    QueryDefinition update_retry = update;
    update_retry.last_modified_ms += 5;
    auto again = defs->PutQueryDefinition(kP, update_retry, true, 1000, 0);
    REQUIRE(again.ok());
    CHECK(*again == "id-1");
    CHECK(All(*defs, kP)[0].last_modified_ms == update.last_modified_ms);
    update_retry.name = "other";
    CHECK(defs->PutQueryDefinition(kP, update_retry, true, 1000, 0).status().precondition() ==
          Status::Precondition::kClientTokenReused);
  }
}

}  // namespace cwlogd::storage
