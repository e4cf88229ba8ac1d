#include "storage/metric_store.h"

#include <algorithm>
#include <array>
#include <random>

#include "api/metric_filter_eval.h"
#include "storage/metric_keys.h"
#include "tests/catch2.h"
#include "tests/metrics/mem_metric_store.h"
#include "tests/storage/test_util.h"

using namespace cwlogd::storage;
namespace mk = cwlogd::storage::metric_keys;
using cwlogd::storage::testing::TempDir;

namespace {

const Partition kP{"000000000000", "us-east-1"};
constexpr int64_t kMinute = 60'000;
constexpr int64_t kT0 = 1'704'067'200'000;  // 2024-01-01T00:00:00Z

std::unique_ptr<LogStore> Open(const std::string& path) {
  StorageOptions options;
  options.path = path;
  auto store = OpenRocksLogStore(options);
  INFO(store.status().message());
  REQUIRE(store.ok());
  REQUIRE(store.value()->metric_store() != nullptr);
  return std::move(store.value());
}

LogGroupInfo Group(std::string name) {
  LogGroupInfo g;
  g.name = std::move(name);
  g.creation_time_ms = kT0;
  return g;
}

// The statistic set of an aggregate (its distribution is tested in metric_distribution_test).
using Stats = std::array<double, 4>;
Stats Set(const MetricAggregate& a) { return {a.sample_count, a.sum, a.minimum, a.maximum}; }

MetricAggregate Agg(double v, double count = 1) {
  MetricAggregate a;
  a.Add(v, count);
  return a;
}

MetricFilterDefinition Filter(std::string group, std::string name, std::string pattern = "",
                              std::string value = "1") {
  MetricFilterDefinition d;
  d.log_group = std::move(group);
  d.filter_name = std::move(name);
  d.filter_pattern = std::move(pattern);
  d.metric_name = "M";
  d.metric_namespace = "NS";
  d.metric_value = std::move(value);
  d.creation_time_ms = kT0;
  return d;
}

std::vector<MetricDatapoint> Points(MetricStore& s, const Partition& p, const MetricId& id,
                                    int64_t start = kT0 - 100 * kMinute,
                                    int64_t end = kT0 + 100 * kMinute) {
  std::vector<MetricDatapoint> out;
  REQUIRE(s.QueryMetric(p, id, start, end, [&](const MetricDatapoint& d) {
             out.push_back(d);
             return true;
           }).ok());
  return out;
}

std::vector<MetricId> List(MetricStore& s, const Partition& p, const MetricListQuery& q = {},
                           const std::optional<MetricId>& after = std::nullopt) {
  std::vector<MetricId> out;
  REQUIRE(s.ListMetrics(p, q, after, [&](const MetricInfo& i) {
             out.push_back(i.id);
             return true;
           }).ok());
  return out;
}

}  // namespace

TEST_CASE("Metric key escaping round-trips and preserves MetricId order", "[metrics][keys]") {
  std::mt19937 rng(7);
  auto rand_str = [&] {
    std::string s;
    const int n = static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) s.push_back("a\0\xff\x01b"[rng() % 5]);
    return s;
  };
  std::vector<MetricId> ids;
  for (int i = 0; i < 400; ++i) {
    MetricId id{rand_str(), rand_str(), {}};
    const int dims = static_cast<int>(rng() % 3);
    for (int d = 0; d < dims; ++d)
      id.dimensions.push_back({rand_str() + std::to_string(d), rand_str()});
    SortDimensions(id.dimensions);
    ids.push_back(std::move(id));
  }
  for (const auto& id : ids) {
    MetricId back;
    const std::string key = mk::IndexKey(kP, id);
    REQUIRE(mk::ParseIndexSuffix(std::string_view(key).substr(mk::IndexPrefix(kP).size()), &back));
    CHECK(back == id);
  }
  std::vector<MetricId> by_value = ids, by_key = ids;
  std::sort(by_value.begin(), by_value.end());
  std::sort(by_key.begin(), by_key.end(), [](const MetricId& a, const MetricId& b) {
    return mk::IndexKey(kP, a) < mk::IndexKey(kP, b);
  });
  CHECK(by_value == by_key);

  int64_t minute = 0;
  std::string unit;
  const std::string bucket = mk::BucketKey(kP, ids[0], -kMinute, "Bytes/Second");
  REQUIRE(mk::ParseBucketSuffix(
      std::string_view(bucket).substr(mk::BucketPrefix(kP, ids[0]).size()), &minute, &unit));
  CHECK(minute == -kMinute);
  CHECK(unit == "Bytes/Second");
}

TEST_CASE("Aggregate and filter records round-trip", "[metrics][keys]") {
  MetricAggregate a;
  a.AddStatisticSet(3, 10.5, -1, 7);
  MetricAggregate back;
  REQUIRE(mk::DecodeAggregate(mk::EncodeAggregate(a), &back));
  CHECK(back == a);
  CHECK_FALSE(mk::DecodeAggregate("short", &back));

  MetricFilterDefinition d = Filter("g", "f", "[ip, size]", "$size");
  d.default_value = 0.0;
  d.unit = "Bytes";
  d.dimensions = {{"Ip", "$ip"}};
  d.field_selection_criteria = "x";
  d.apply_on_transformed_logs = true;
  d.emit_system_field_dimensions = {"@aws.region"};
  MetricFilterDefinition r;
  REQUIRE(mk::DecodeFilterRecord(mk::EncodeFilterRecord(d), &r));
  CHECK(r.filter_pattern == d.filter_pattern);
  CHECK(r.metric_value == "$size");
  CHECK(r.default_value == 0.0);
  CHECK(r.unit == "Bytes");
  CHECK(r.dimensions == d.dimensions);
  CHECK(r.field_selection_criteria == "x");
  CHECK(r.apply_on_transformed_logs);
  CHECK(r.emit_system_field_dimensions == d.emit_system_field_dimensions);
  CHECK(r.creation_time_ms == kT0);
  std::string truncated = mk::EncodeFilterRecord(d);
  truncated.pop_back();
  CHECK_FALSE(mk::DecodeFilterRecord(truncated, &r));
}

TEST_CASE("RocksDB metric store merges buckets across writes and restarts", "[metrics][rocks]") {
  TempDir dir;
  MetricId id{"App", "Latency", {{"Host", "a"}}};
  {
    auto store = Open(dir.path());
    MetricStore& m = *store->metric_store();
    std::vector<MetricAggregateDelta> d1 = {{id, kT0, "Milliseconds", Agg(10)},
                                            {id, kT0 + kMinute, "Milliseconds", Agg(5, 2)},
                                            {id, kT0, "Seconds", Agg(1)}};
    REQUIRE(m.PutMetricData(kP, d1, kT0).ok());
    std::vector<MetricAggregateDelta> d2 = {{id, kT0, "Milliseconds", Agg(30)}};
    REQUIRE(m.PutMetricData(kP, d2, kT0 + 1000).ok());
  }
  auto store = Open(dir.path());
  MetricStore& m = *store->metric_store();
  auto points = Points(m, kP, id);
  REQUIRE(points.size() == 3);
  CHECK(points[0].minute_ms == kT0);
  CHECK(points[0].unit == "Milliseconds");
  CHECK(Set(points[0].aggregate) == Stats{2, 40, 10, 30});
  // The merge operator merged the two writes' distributions too.
  using Values = std::vector<std::pair<double, double>>;
  CHECK(points[0].aggregate.distribution.Points() == Values{{10, 1}, {30, 1}});
  CHECK(points[1].unit == "Seconds");
  CHECK(Set(points[2].aggregate) == Stats{2, 10, 5, 5});
  // Bounds: [start, end) by minute.
  CHECK(Points(m, kP, id, kT0 + kMinute, kT0 + 2 * kMinute).size() == 1);
  CHECK(Points(m, kP, id, kT0, kT0 + kMinute).size() == 2);
  CHECK(Points(m, kP, id, kT0 + 2 * kMinute, kT0 + 3 * kMinute).empty());
  // Other dimensions, partitions: nothing.
  CHECK(Points(m, kP, MetricId{"App", "Latency", {}}).empty());
  CHECK(Points(m, Partition{"000000000000", "eu-west-1"}, id).empty());
  CHECK(List(m, kP) == std::vector<MetricId>{id});
}

TEST_CASE("RocksDB ListMetrics filters and pages in MetricId order", "[metrics][rocks]") {
  TempDir dir;
  auto store = Open(dir.path());
  MetricStore& m = *store->metric_store();
  std::vector<MetricAggregateDelta> deltas;
  std::vector<MetricId> ids = {{"A", "x", {}},
                               {"A", "x", {{"D", "1"}}},
                               {"A", "y", {{"D", "2"}, {"E", "1"}}},
                               {"B", "x", {}},
                               {"AB", "x", {}}};
  for (const auto& id : ids) deltas.push_back({id, kT0, "None", Agg(1)});
  std::sort(deltas.begin(), deltas.end(),
            [](const auto& a, const auto& b) { return a.metric < b.metric; });
  REQUIRE(m.PutMetricData(kP, deltas, kT0).ok());
  std::vector<MetricId> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  CHECK(List(m, kP) == sorted);
  MetricListQuery q;
  q.metric_namespace = "A";
  CHECK(List(m, kP, q).size() == 3);  // not "AB"
  q.metric_name = "x";
  CHECK(List(m, kP, q).size() == 2);
  MetricListQuery dq;
  dq.dimension_filters = {{"D", std::nullopt}};
  CHECK(List(m, kP, dq).size() == 2);
  dq.dimension_filters = {{"D", "2"}, {"E", std::nullopt}};
  CHECK(List(m, kP, dq) == std::vector<MetricId>{ids[2]});
  CHECK(List(m, kP, {}, sorted[1]) == std::vector<MetricId>(sorted.begin() + 2, sorted.end()));
  MetricListQuery recent;
  recent.active_since_ms = kT0 + 1;
  CHECK(List(m, kP, recent).empty());
}

TEST_CASE("RocksDB metric filters: create, replace, limit, count, delete with the group",
          "[metrics][rocks]") {
  TempDir dir;
  auto store = Open(dir.path());
  MetricStore& m = *store->metric_store();
  CHECK(m.PutMetricFilter(kP, Filter("g", "f"), 100).IsNotFound());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(store->CreateLogGroup(kP, Group("h")).ok());
  REQUIRE(m.PutMetricFilter(kP, Filter("g", "b"), 2).ok());
  REQUIRE(m.PutMetricFilter(kP, Filter("g", "a"), 2).ok());
  CHECK(m.PutMetricFilter(kP, Filter("g", "c"), 2).code() == Status::Code::kFailedPrecondition);
  MetricFilterDefinition replaced = Filter("g", "a", "ERROR");
  replaced.creation_time_ms = kT0 + 999;
  REQUIRE(m.PutMetricFilter(kP, replaced, 2).ok());
  REQUIRE(m.PutMetricFilter(kP, Filter("h", "a"), 2).ok());
  CHECK(store->GetLogGroup(kP, "g")->metric_filter_count == 2);

  std::vector<std::pair<std::string, std::string>> seen;
  auto collect = [&](const MetricFilterQuery& q) {
    seen.clear();
    Status s = m.ListMetricFilters(kP, q, [&](const MetricFilterDefinition& d) {
      seen.emplace_back(d.log_group, d.filter_name);
      if (d.log_group == "g" && d.filter_name == "a") {
        CHECK(d.filter_pattern == "ERROR");
        CHECK(d.creation_time_ms == kT0);  // creation time kept on replace
      }
      return true;
    });
    return s;
  };
  REQUIRE(collect({}).ok());
  CHECK(seen == decltype(seen){{"g", "a"}, {"g", "b"}, {"h", "a"}});
  MetricFilterQuery after;
  after.start_after = std::make_pair(std::string("g"), std::string("a"));
  REQUIRE(collect(after).ok());
  CHECK(seen == decltype(seen){{"g", "b"}, {"h", "a"}});
  MetricFilterQuery in_g;
  in_g.log_group = "g";
  in_g.filter_name_prefix = "b";
  REQUIRE(collect(in_g).ok());
  CHECK(seen == decltype(seen){{"g", "b"}});
  MetricFilterQuery missing;
  missing.log_group = "nope";
  CHECK(collect(missing).IsNotFound());

  CHECK(m.DeleteMetricFilter(kP, "g", "zzz").IsNotFound());
  REQUIRE(m.DeleteMetricFilter(kP, "g", "b").ok());
  CHECK(store->GetLogGroup(kP, "g")->metric_filter_count == 1);
  // UpdateLogGroup keeps the count whatever the mutation does.
  REQUIRE(store
              ->UpdateLogGroup(kP, "g",
                               [](LogGroupInfo& g) {
                                 g.metric_filter_count = 42;
                                 return Status::OK();
                               })
              .ok());
  CHECK(store->GetLogGroup(kP, "g")->metric_filter_count == 1);

  REQUIRE(store->DeleteLogGroup(kP, "g").ok());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(collect({}).ok());
  CHECK(seen == decltype(seen){{"h", "a"}});
  CHECK(store->GetLogGroup(kP, "g")->metric_filter_count == 0);
  REQUIRE(store->Reset().ok());
  REQUIRE(store->CreateLogGroup(kP, Group("h")).ok());
  REQUIRE(collect({}).ok());
  CHECK(seen.empty());
}

TEST_CASE("PutLogEvents writes metric deltas in the same atomic batch", "[metrics][rocks]") {
  TempDir dir;
  MetricId id{"NS", "Events", {}};
  {
    auto store = Open(dir.path());
    REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
    REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
    std::vector<InputEvent> events = {{kT0 + 1, "a"}, {kT0 + 2, "b"}};
    std::vector<MetricAggregateDelta> deltas = {{id, kT0, "Count", Agg(1, 2)}};
    PutEventsRequest put;
    put.group = "g";
    put.stream = "s";
    put.events = events;
    put.ingestion_time = kT0 + 5;
    put.metrics = deltas;
    REQUIRE(store->PutLogEvents(kP, put).ok());
    // A failed put (missing stream) writes neither events nor metrics.
    put.stream = "missing";
    CHECK_FALSE(store->PutLogEvents(kP, put).ok());
  }
  auto store = Open(dir.path());
  auto points = Points(*store->metric_store(), kP, id);
  REQUIRE(points.size() == 1);
  CHECK(Set(points[0].aggregate) == Stats{2, 2, 1, 1});
  CHECK(points[0].unit == "Count");
}

TEST_CASE("RocksDB metric store agrees with the in-memory model on random data",
          "[metrics][rocks]") {
  TempDir dir;
  auto store = Open(dir.path());
  MetricStore& rocks = *store->metric_store();
  cwlogd::testing::MemMetricStore mem;
  std::mt19937 rng(42);
  const std::vector<std::string> names = {"a", "b", std::string("a\0b", 3), "", "zz"};
  const std::vector<std::string> units = {"None", "Count", "Bytes"};
  std::vector<MetricId> universe;
  for (int i = 0; i < 40; ++i) {
    MetricId id{names[rng() % names.size()] + "ns", names[rng() % names.size()] + "m", {}};
    if (rng() % 2)
      id.dimensions.push_back({"d" + names[rng() % names.size()], "v" + std::to_string(rng() % 3)});
    SortDimensions(id.dimensions);
    universe.push_back(id);
  }
  for (int round = 0; round < 50; ++round) {
    std::vector<MetricAggregateDelta> deltas;
    const int n = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < n; ++i) {
      deltas.push_back({universe[rng() % universe.size()],
                        kT0 + static_cast<int64_t>(rng() % 30) * kMinute - 10 * kMinute,
                        units[rng() % units.size()],
                        Agg(static_cast<double>(rng() % 1000) - 500, 1 + rng() % 3)});
    }
    std::sort(deltas.begin(), deltas.end(),
              [](const auto& a, const auto& b) { return a.metric < b.metric; });
    const int64_t published = kT0 + round;
    REQUIRE(rocks.PutMetricData(kP, deltas, published).ok());
    REQUIRE(mem.PutMetricData(kP, deltas, published).ok());
  }
  CHECK(List(rocks, kP) == List(mem, kP));
  for (const auto& id : universe) {
    const int64_t start = kT0 - static_cast<int64_t>(rng() % 12) * kMinute;
    const int64_t end = start + static_cast<int64_t>(rng() % 25) * kMinute;
    auto a = Points(rocks, kP, id, start, end);
    auto b = Points(mem, kP, id, start, end);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].minute_ms == b[i].minute_ms);
      CHECK(a[i].unit == b[i].unit);
      CHECK(a[i].aggregate == b[i].aggregate);
    }
  }
}

TEST_CASE("EvaluateMetricFilters turns matches into per-minute deltas", "[metrics][eval]") {
  cwlogd::testing::MemMetricStore store;
  store.AddLogGroup(kP, "web");
  MetricFilterDefinition bytes =
      Filter("web", "bytes", "[ip, id, user, timestamp, request, status_code, size]", "$size");
  bytes.metric_name = "BytesTransferred";
  bytes.unit = "Bytes";
  bytes.dimensions = {{"Status", "$status_code"}};
  REQUIRE(store.PutMetricFilter(kP, bytes, 100).ok());
  MetricFilterDefinition errors = Filter("web", "errors", "ERROR", "1");
  errors.metric_name = "Errors";
  errors.default_value = 0;
  REQUIRE(store.PutMetricFilter(kP, errors, 100).ok());

  std::vector<InputEvent> events = {
      {kT0 + 1, R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 100)"},
      {kT0 + 2, R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 50)"},
      {kT0 + 3, R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.0" 404 7)"},
      {kT0 + kMinute, "ERROR something broke"},
  };
  cwlogd::api::MetricFilterCache cache;
  auto deltas = cwlogd::api::EvaluateMetricFilters(store, kP, "web", events, cache);
  REQUIRE(deltas.ok());
  std::map<std::tuple<std::string, std::string, int64_t>, MetricAggregate> got;
  for (const auto& d : *deltas) {
    std::string dims;
    for (const auto& dim : d.metric.dimensions) dims += dim.name + "=" + dim.value;
    got[{d.metric.metric_name, dims, d.minute_ms}] = d.aggregate;
    if (d.metric.metric_name == "BytesTransferred") CHECK(d.unit == "Bytes");
  }
  CHECK(got.size() == 4);
  CHECK(Set(got[{"BytesTransferred", "Status=200", kT0}]) == Stats{2, 150, 50, 100});
  CHECK(Set(got[{"BytesTransferred", "Status=404", kT0}]) == Stats{1, 7, 7, 7});
  CHECK(Set(got[{"Errors", "", kT0}]) == Stats{3, 0, 0, 0});  // three defaults
  CHECK(Set(got[{"Errors", "", kT0 + kMinute}]) == Stats{1, 1, 1, 1});
  // Metric filter samples feed the distribution (percentiles) as well.
  using Values = std::vector<std::pair<double, double>>;
  CHECK(got[{"BytesTransferred", "Status=200", kT0}].distribution.Points() ==
        Values{{50, 1}, {100, 1}});
  CHECK(got[{"Errors", "", kT0}].distribution.Points() == Values{{0, 3}});

  // No filters: nothing, and a missing group is the store's NotFound.
  store.AddLogGroup(kP, "empty");
  auto none = cwlogd::api::EvaluateMetricFilters(store, kP, "empty", events, cache);
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK_FALSE(cwlogd::api::EvaluateMetricFilters(store, kP, "gone", events, cache).ok());
}
