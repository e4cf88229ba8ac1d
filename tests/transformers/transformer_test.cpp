#include "transformers/transformer.h"

#include <string>
#include <vector>

#include "tests/catch2.h"

namespace cwlogd::transformers {
namespace {

const EventMetadata kMeta{"my-group", "my-stream", "123456789012", "us-east-1"};

// The transformed text of `message` under `config`, or "ERROR: <why>".
std::string Run(const std::string& config, const std::string& message) {
  std::vector<ConfigProblem> problems;
  auto t = ParseTransformer(config, &problems);
  if (!t) return "CONFIG: " + (problems.empty() ? std::string("?") : problems[0].message);
  ApplyOutcome out = t->Apply(message, kMeta);
  return out.ok ? out.text : "ERROR: " + out.text;
}

std::vector<ConfigProblem> Problems(const std::string& config) {
  std::vector<ConfigProblem> problems;
  auto t = ParseTransformer(config, &problems);
  CHECK_FALSE(t.has_value());
  return problems;
}

TEST_CASE("parseJSON flattens the message into the event, or under a destination") {
  CHECK(Run(R"([{"parseJSON":{}}])", R"({"a":1,"b":{"c":"x"}})") == R"({"a":1,"b":{"c":"x"}})");
  CHECK(Run(R"([{"parseJSON":{"destination":"d"}}])", R"({"a":1})") == R"({"d":{"a":1}})");
  CHECK(Run(R"([{"parseJSON":{}}])", "not json").rfind("ERROR: ", 0) == 0);
  CHECK(Run(R"([{"parseJSON":{}},{"parseJSON":{"source":"inner"}}])", R"({"inner":"{\"x\":2}"})") ==
        R"({"inner":"{\"x\":2}","x":2})");
}

TEST_CASE("JSON mutators") {
  const std::string base = R"([{"parseJSON":{}},)";
  CHECK(Run(base + R"({"addKeys":{"entries":[{"key":"k","value":"v"},{"key":"a","value":"z"}]}}])",
            R"({"a":1})") == R"({"a":1,"k":"v"})");
  CHECK(Run(base + R"({"addKeys":{"entries":[{"key":"a","value":"z","overwriteIfExists":true}]}}])",
            R"({"a":1})") == R"({"a":"z"})");
  CHECK(Run(base + R"({"addKeys":{"entries":[{"key":"n.m","value":"v"}]}}])", R"({})") ==
        R"({"n":{"m":"v"}})");
  CHECK(Run(base + R"({"deleteKeys":{"withKeys":["a","b.c"]}}])", R"({"a":1,"b":{"c":2,"d":3}})") ==
        R"({"b":{"d":3}})");
  CHECK(Run(base + R"({"moveKeys":{"entries":[{"source":"a","target":"b.a"}]}}])",
            R"({"a":1,"b":{}})") == R"({"b":{"a":1}})");
  CHECK(Run(base + R"({"moveKeys":{"entries":[{"source":"a","target":"b"}]}}])",
            R"({"a":1,"b":2})") == R"({"a":1,"b":2})");
  CHECK(Run(base + R"({"renameKeys":{"entries":[{"key":"a","renameTo":"z"}]}}])",
            R"({"a":1,"b":2})") == R"({"b":2,"z":1})");
  CHECK(
      Run(base +
              R"({"copyValue":{"entries":[{"source":"a","target":"c"},)"
              R"({"source":"@logGroupName","target":"g"},{"source":"@logGroupStream","target":"s"}]}}])",
          R"({"a":1})") == R"({"a":1,"c":1,"g":"my-group","s":"my-stream"})");
}

TEST_CASE("string mutators") {
  const std::string base = R"([{"parseJSON":{}},)";
  CHECK(Run(base + R"({"lowerCaseString":{"withKeys":["a","n"]}}])", R"({"a":"AbC","n":5})") ==
        R"({"a":"abc","n":5})");
  CHECK(Run(base + R"({"upperCaseString":{"withKeys":["a"]}}])", R"({"a":"AbC"})") ==
        R"({"a":"ABC"})");
  CHECK(Run(base + R"({"trimString":{"withKeys":["a"]}}])", R"({"a":"  x y \t"})") ==
        R"({"a":"x y"})");
  CHECK(Run(base + R"({"splitString":{"entries":[{"source":"a","delimiter":","}]}}])",
            R"({"a":"x,y,,z"})") == R"({"a":["x","y","","z"]})");
  CHECK(
      Run(base +
              R"j({"substituteString":{"entries":[{"source":"a","from":"(\\d+)-(\\d+)","to":"$2:$1"}]}}])j",
          R"({"a":"10-20 and 3-4"})") == R"({"a":"20:10 and 4:3"})");
}

TEST_CASE("typeConverter") {
  const std::string base = R"([{"parseJSON":{}},)";
  CHECK(
      Run(base +
              R"({"typeConverter":{"entries":[{"key":"i","type":"integer"},{"key":"d","type":"double"},)"
              R"({"key":"b","type":"boolean"},{"key":"s","type":"string"}]}}])",
          R"({"i":"42","d":"1.5","b":"TRUE","s":7})") == R"({"i":42,"d":1.5,"b":true,"s":"7"})");
  CHECK(
      Run(base + R"({"typeConverter":{"entries":[{"key":"i","type":"integer"}]}}])", R"({"i":"x"})")
          .rfind("ERROR: ", 0) == 0);
}

TEST_CASE("parseKeyValue and csv") {
  CHECK(Run(R"([{"parseKeyValue":{}}])", "a=1&b=2&c") == R"({"a":"1","b":"2"})");
  CHECK(Run(R"([{"parseKeyValue":{"fieldDelimiter":" ","keyValueDelimiter":":","keyPrefix":"p_",)"
            R"("nonMatchValue":"none","destination":"kv"}}])",
            "a:1 b:2 c") == R"({"kv":{"p_a":"1","p_b":"2","p_c":"none"}})");
  CHECK(Run(R"([{"csv":{}}])", R"(a,"b,c",d)") ==
        R"({"column_1":"a","column_2":"b,c","column_3":"d"})");
  CHECK(Run(R"([{"csv":{"delimiter":";","quoteCharacter":"'","columns":["x","y"]}}])",
            "1;'2;''';3") == R"({"x":"1","y":"2;'"})");
}

TEST_CASE("dateTimeConverter reads the first matching pattern and writes the target format") {
  const std::string base =
      R"([{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"out",)";
  // The default target format is ISO 8601 in UTC with milliseconds.
  CHECK(Run(base + R"("matchPatterns":["dd/MMM/yyyy:HH:mm:ss Z"]}}])",
            R"({"t":"10/Oct/2000:13:55:36 -0700"})") ==
        R"({"t":"10/Oct/2000:13:55:36 -0700","out":"2000-10-10T20:55:36.000Z"})");
  CHECK(Run(base + R"("matchPatterns":["yyyy-MM-dd HH:mm:ss","MM/dd/yyyy hh:mm:ss a"],)"
                   R"("sourceTimezone":"+05:30","targetFormat":"EEE, d MMM yyyy HH:mm:ss.SS XXX",)"
                   R"("targetTimezone":"UTC"}}])",
            R"({"t":"12/07/2026 01:02:03 PM"})") ==
        R"({"t":"12/07/2026 01:02:03 PM","out":"Mon, 7 Dec 2026 07:32:03.00 Z"})");
  CHECK(Run(base + R"("matchPatterns":["yyyy-MM-dd'T'HH:mm:ss.SSSXXX"],"targetFormat":"yy/MM/dd",)"
                   R"("targetTimezone":"UTC-08:00"}}])",
            R"({"t":"2024-01-01T05:00:00.250+00:00"})") ==
        R"({"t":"2024-01-01T05:00:00.250+00:00","out":"23/12/31"})");
  // No pattern matches, or a date that does not exist: the event fails.
  CHECK(Run(base + R"("matchPatterns":["yyyy-MM-dd"]}}])", R"({"t":"2024-02-30"})")
            .rfind("ERROR: ", 0) == 0);
  CHECK(Run(base + R"("matchPatterns":["yyyy-MM-dd"]}}])", R"({"t":"yesterday"})")
            .rfind("ERROR: ", 0) == 0);
  // Bad patterns and zones of region rules are refused when the transformer is put.
  CHECK(Run(base + R"("matchPatterns":["yyyy-qq"]}}])", "{}") ==
        "CONFIG: Invalid matchPatterns entry in dateTimeConverter: Unknown pattern letter: q");
  CHECK(Run(base + R"("matchPatterns":["yyyy"],"sourceTimezone":"America/New_York"}}])", "{}")
            .rfind("CONFIG: The time zone America/New_York is not supported", 0) == 0);
  CHECK(
      Problems(R"([{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"o"}}])")[0].kind ==
      ConfigProblem::Kind::kConstraint);
}

TEST_CASE("listToMap") {
  const std::string base = R"([{"parseJSON":{}},)";
  const std::string event = R"({"l":[{"k":"a","v":1},{"k":"b","v":2},{"k":"a","v":3}]})";
  CHECK(
      Run(base + R"({"listToMap":{"source":"l","key":"k","valueKey":"v","target":"m"}}])", event) ==
      R"({"l":[{"k":"a","v":1},{"k":"b","v":2},{"k":"a","v":3}],"m":{"a":[1,3],"b":[2]}})");
  CHECK(
      Run(base +
              R"({"listToMap":{"source":"l","key":"k","valueKey":"v","target":"m","flatten":true,)"
              R"("flattenedElement":"last"}}])",
          event) == R"({"l":[{"k":"a","v":1},{"k":"b","v":2},{"k":"a","v":3}],"m":{"a":3,"b":2}})");
}

TEST_CASE("grok") {
  CHECK(
      Run(R"([{"grok":{"match":"%{IP:client} %{WORD:method} %{URIPATHPARAM:req.path} %{NUMBER:ms:float} %{INT:code:int}"}}])",
          "10.1.2.3 GET /a/b?x=1 0.25 200") ==
      R"({"client":"10.1.2.3","method":"GET","req":{"path":"/a/b?x=1"},"ms":0.25,"code":200})");
  CHECK(
      Run(R"([{"grok":{"match":"%{COMMONAPACHELOG}"}}])",
          R"j(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326)j") ==
      R"({"clientip":"127.0.0.1","ident":"-","auth":"frank","timestamp":"10/Oct/2000:13:55:36 -0700","verb":"GET","request":"/a.gif","httpversion":"1.0","response":"200","bytes":"2326"})");
  CHECK(Run(R"([{"grok":{"match":"%{TIMESTAMP_ISO8601:t} %{LOGLEVEL:level} %{GREEDYDATA:msg}"}}])",
            "2024-01-02T03:04:05Z WARN disk full") ==
        R"({"t":"2024-01-02T03:04:05Z","level":"WARN","msg":"disk full"})");
  std::string eleven = R"([{"grok":{"match":")";
  std::string expected = "{";
  for (int i = 0; i < 11; ++i) {
    eleven += std::string(i ? " " : "") + "%{INT:f" + std::to_string(i) + "}";
    expected +=
        std::string(i ? "," : "") + "\"f" + std::to_string(i) + "\":\"" + std::to_string(i) + "\"";
  }
  CHECK(Run(eleven + R"("}}])", "0 1 2 3 4 5 6 7 8 9 10") == expected + "}");
  CHECK(Run(R"([{"grok":{"match":"%{INT:n}"}}])", "none here").rfind("ERROR: ", 0) == 0);
  CHECK(Run(R"([{"grok":{"match":"%{NOPE:n}"}}])", "x").rfind("CONFIG: Invalid grok match", 0) ==
        0);
  CHECK(
      Run(R"([{"grok":{"match":"%{INT:n:long}"}}])", "x").rfind("CONFIG: Invalid grok match", 0) ==
      0);
  CHECK(Run(R"([{"grok":{"match":"%{INT:a}"}},{"grok":{"match":"%{INT:b}"}}])", "1")
            .rfind("CONFIG: ", 0) == 0);
}

TEST_CASE("model constraints are reported with Coral paths") {
  auto p = Problems(R"([{"addKeys":{"entries":[{"key":"","value":"v"}]}}])");
  REQUIRE(p.size() == 1);
  CHECK(p[0].kind == ConfigProblem::Kind::kConstraint);
  CHECK(p[0].path == "transformerConfig.1.member.addKeys.entries.1.member.key");
  CHECK(p[0].message == "Member must have length greater than or equal to 1");
  p = Problems(R"([])");
  REQUIRE(p.size() == 1);
  CHECK(p[0].path == "transformerConfig");
  p = Problems(R"([{"parseJSON":{}},{"typeConverter":{"entries":[{"key":"a","type":"long"}]}}])");
  REQUIRE(p.size() == 1);
  CHECK(p[0].message == "Member must satisfy enum value set: [boolean, integer, double, string]");
  p = Problems(R"([{"deleteKeys":{}}])");
  REQUIRE(p.size() == 1);
  CHECK(p[0].path == "transformerConfig.1.member.deleteKeys.withKeys");
  CHECK(p[0].message == "Member must not be null");
  p = Problems(R"({"parseJSON":{}})");
  REQUIRE(p.size() == 1);
  CHECK(p[0].kind == ConfigProblem::Kind::kSerialization);
}

TEST_CASE("service rules: a parser first, limits per processor type") {
  auto first = Problems(R"([{"addKeys":{"entries":[{"key":"a","value":"b"}]}}])");
  REQUIRE(first.size() == 1);
  CHECK(first[0].kind == ConfigProblem::Kind::kInvalid);
  std::string twenty_one = "[";
  for (int i = 0; i < 21; ++i) twenty_one += std::string(i ? "," : "") + R"({"parseJSON":{}})";
  CHECK(Problems(twenty_one + "]")[0].message ==
        "Member must have length less than or equal to 20");
  CHECK(
      Problems(
          R"([{"parseJSON":{}},{"parseJSON":{}},{"parseJSON":{}},{"parseJSON":{}},{"parseJSON":{}},{"csv":{}}])")
          [0]
              .kind == ConfigProblem::Kind::kInvalid);
  CHECK(Problems(R"([{"parseJSON":{},"csv":{}}])")[0].kind == ConfigProblem::Kind::kInvalid);
  CHECK(Problems(R"([{}])")[0].kind == ConfigProblem::Kind::kInvalid);
  CHECK(Problems(R"([{"parseJSON":{}},{"parseVPC":{}}])")[0].kind == ConfigProblem::Kind::kInvalid);
  CHECK(
      Problems(
          R"([{"parseJSON":{}},{"substituteString":{"entries":[{"source":"a","from":"(","to":"x"}]}}])")
          [0]
              .kind == ConfigProblem::Kind::kInvalid);
}

TEST_CASE("hostile input is refused, not crashed on") {
  std::string deep(100000, '[');
  CHECK(Run(R"([{"parseJSON":{}}])", std::string(5000, '{')).rfind("ERROR: ", 0) == 0);
  std::string nested;
  for (int i = 0; i < 200; ++i) nested += R"({"a":)";
  nested += "1" + std::string(200, '}');
  CHECK(Run(R"([{"parseJSON":{}}])", nested).rfind("ERROR: ", 0) == 0);
  // Valid JSON nested far deeper than any stack allows: refused, not recursed into.
  std::string very_deep = R"({"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(Run(R"([{"parseJSON":{}}])", very_deep).rfind("ERROR: ", 0) == 0);
  std::vector<ConfigProblem> problems;
  CHECK_FALSE(ParseTransformer(deep, &problems).has_value());
  // A refused list is printed in the message; its deep elements must not recurse without end.
  problems.clear();
  std::string deep_items = "[" + std::string(50000, '[') + std::string(50000, ']');
  for (int i = 0; i < 20; ++i) deep_items += R"(,{"parseJSON":{}})";
  CHECK_FALSE(ParseTransformer(deep_items + "]", &problems).has_value());
  REQUIRE_FALSE(problems.empty());
}

}  // namespace
}  // namespace cwlogd::transformers
