// SNS subscription filter policies (api/sns/filter_policy.h): each condition type, attribute
// and body scopes, $or, and validation.
#include <string>

#include <nlohmann/json.hpp>

#include "api/sns/filter_policy.h"
#include "tests/catch2.h"

namespace {

using cwlogd::api::sns::CheckFilterPolicy;
using cwlogd::api::sns::FilterPolicyMatches;
using cwlogd::api::sns::FilterPolicyScope;
using nlohmann::json;

constexpr auto kAttributes = FilterPolicyScope::kMessageAttributes;
constexpr auto kBody = FilterPolicyScope::kMessageBody;

json Attr(const std::string& type, const std::string& value) {
  return {{"Type", type}, {"Value", value}};
}

bool MatchesAttrs(const json& policy, const json& attributes) {
  return FilterPolicyMatches(policy.dump(), kAttributes, attributes, "");
}

bool MatchesBody(const json& policy, const json& body) {
  return FilterPolicyMatches(policy.dump(), kBody, json::object(), body.dump());
}

}  // namespace

TEST_CASE("filter policy: exact strings and numbers, any of a key's values, all keys") {
  const json policy = {{"store", {"a", "b"}}, {"price", {100}}};
  CHECK(MatchesAttrs(policy, {{"store", Attr("String", "b")}, {"price", Attr("Number", "100")}}));
  CHECK(MatchesAttrs(policy,
                     {{"store", Attr("String", "a")}, {"price", Attr("Number", "100.000001")}}));
  CHECK_FALSE(
      MatchesAttrs(policy, {{"store", Attr("String", "c")}, {"price", Attr("Number", "100")}}));
  CHECK_FALSE(MatchesAttrs(policy, {{"store", Attr("String", "a")}}));  // price absent
  // A Number attribute does not equal a string condition, nor a String attribute a number.
  CHECK_FALSE(MatchesAttrs({{"price", {"100"}}}, {{"price", Attr("Number", "100")}}));
  CHECK_FALSE(MatchesAttrs({{"price", {100}}}, {{"price", Attr("String", "100")}}));
  // String.Array: any element may match; Binary never does.
  CHECK(MatchesAttrs({{"tags", {"x"}}}, {{"tags", Attr("String.Array", R"(["w","x"])")}}));
  CHECK_FALSE(MatchesAttrs({{"tags", {"x"}}}, {{"tags", Attr("Binary", "eA==")}}));
  // No policy, no filtering.
  CHECK(FilterPolicyMatches("", kAttributes, json::object(), ""));
}

TEST_CASE("filter policy: prefix, suffix, equals-ignore-case, anything-but, numeric, cidr") {
  const json a = {{"k", Attr("String", "Order-Placed")}};
  CHECK(MatchesAttrs({{"k", {{{"prefix", "Order-"}}}}}, a));
  CHECK_FALSE(MatchesAttrs({{"k", {{{"prefix", "order-"}}}}}, a));
  CHECK(MatchesAttrs({{"k", {{{"suffix", "Placed"}}}}}, a));
  CHECK(MatchesAttrs({{"k", {{{"equals-ignore-case", "order-placed"}}}}}, a));
  CHECK(MatchesAttrs({{"k", {{{"anything-but", "x"}}}}}, a));
  CHECK_FALSE(MatchesAttrs({{"k", {{{"anything-but", {"x", "Order-Placed"}}}}}}, a));
  CHECK_FALSE(MatchesAttrs({{"k", {{{"anything-but", {{"prefix", "Order"}}}}}}}, a));
  CHECK(MatchesAttrs({{"k", {{{"anything-but", {{"suffix", "Shipped"}}}}}}}, a));
  // anything-but needs the attribute to be there.
  CHECK_FALSE(MatchesAttrs({{"k", {{{"anything-but", "x"}}}}}, json::object()));

  const json n = {{"n", Attr("Number", "42.5")}};
  CHECK(MatchesAttrs({{"n", {{{"numeric", {">", 0, "<=", 42.5}}}}}}, n));
  CHECK_FALSE(MatchesAttrs({{"n", {{{"numeric", {">", 0, "<", 42.5}}}}}}, n));
  CHECK(MatchesAttrs({{"n", {{{"numeric", {"=", 42.5}}}}}}, n));
  CHECK_FALSE(MatchesAttrs({{"n", {{{"numeric", {">=", 43}}}}}}, n));

  const json ip = {{"ip", Attr("String", "10.0.1.7")}};
  CHECK(MatchesAttrs({{"ip", {{{"cidr", "10.0.0.0/16"}}}}}, ip));
  CHECK_FALSE(MatchesAttrs({{"ip", {{{"cidr", "10.0.0.0/24"}}}}}, ip));
}

TEST_CASE("filter policy: exists, and $or") {
  CHECK(MatchesAttrs({{"k", {{{"exists", false}}}}}, json::object()));
  CHECK_FALSE(MatchesAttrs({{"k", {{{"exists", false}}}}}, {{"k", Attr("String", "v")}}));
  CHECK(MatchesAttrs({{"k", {{{"exists", true}}}}}, {{"k", Attr("String", "v")}}));
  const json either = {{"$or", {{{"a", {"1"}}}, {{"b", {"2"}}}}}};
  CHECK(MatchesAttrs(either, {{"b", Attr("String", "2")}}));
  CHECK_FALSE(MatchesAttrs(either, {{"a", Attr("String", "2")}}));
}

TEST_CASE("filter policy: MessageBody scope follows nested keys and arrays") {
  const json policy = {
      {"detail", {{"status", {"failed"}}, {"code", {{{"numeric", {">=", 500}}}}}}}};
  CHECK(MatchesBody(policy, {{"detail", {{"status", "failed"}, {"code", 503}}}}));
  CHECK(MatchesBody(policy, {{"detail", {{"status", {"ok", "failed"}}, {"code", 500}}}}));
  CHECK_FALSE(MatchesBody(policy, {{"detail", {{"status", "failed"}, {"code", 404}}}}));
  CHECK_FALSE(MatchesBody(policy, {{"other", 1}}));
  CHECK(MatchesBody({{"items", {{"sku", {"x"}}}}}, {{"items", {{{"sku", "y"}}, {{"sku", "x"}}}}}));
  // A body that is not a JSON object matches nothing.
  CHECK_FALSE(FilterPolicyMatches(json{{"a", {"b"}}}.dump(), kBody, json::object(), "plain text"));
}

TEST_CASE("filter policy: validation with SNS's reasons") {
  CHECK_FALSE(CheckFilterPolicy(R"({"a":["x",1,true,null,{"prefix":"p"}]})", kAttributes));
  CHECK(CheckFilterPolicy("[1]", kAttributes) == "failed to parse JSON.");
  CHECK(CheckFilterPolicy(R"({"a":"x"})", kAttributes) == "\"a\" must be an object or an array");
  CHECK(CheckFilterPolicy(R"({"a":{"b":["x"]}})", kAttributes) ==
        "\"a\" must be an object or an array");
  CHECK_FALSE(CheckFilterPolicy(R"({"a":{"b":["x"]}})", kBody));
  CHECK(CheckFilterPolicy(R"({"a":[{"nope":1}]})", kAttributes) == "Unrecognized match type nope");
  CHECK(CheckFilterPolicy(R"({"a":[{"numeric":["<","x"]}]})", kAttributes) ==
        "Value of < must be numeric");
  CHECK(CheckFilterPolicy(R"({"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]})",
                          kAttributes) == "Filter policy can not have more than 5 keys");
  json big = {{"a", json::array()}, {"b", json::array()}};
  for (int i = 0; i < 13; ++i) {
    big["a"].push_back(i);
    big["b"].push_back(i);
  }
  CHECK(CheckFilterPolicy(big.dump(), kAttributes) == "Filter policy is too complex");
  // Nesting deeper than the cap is refused, never recursed into without bound.
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += R"({"k":)";
  deep += R"(["x"])";
  for (int i = 0; i < 1000; ++i) deep += "}";
  CHECK(CheckFilterPolicy(deep, kBody).has_value());
}
