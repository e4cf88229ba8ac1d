// What every handler gets besides its request: the store, the clock, options, the compiled
// metric-filter cache, the caller's (account, region) partition and the Insights query runner. No
// singletons: whoever builds contexts (server/router.cpp, tests) owns the objects referenced here.
// A Context lives for one request.
#pragma once

#include <cstddef>

#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::api {

class MetricFilterCache;  // api/metric_filter_eval.h
class QueryRunner;        // api/query_runner.h
class ExportRunner;       // api/export_runner.h
namespace live_tail {
class LiveTailHub;  // api/live_tail/live_tail_hub.h
}

struct ApiOptions {
  size_t max_json_depth = 64;  // deeper request bodies get SerializationException. Default: 64
  // FilterLogEvents stops after reading this many message bytes in one call and returns a
  // nextToken, so one call cannot hold a thread for ever. Default: 1 GiB (~6 M typical events)
  size_t max_filter_scan_bytes = size_t{1} << 30;
};

struct Context {
  storage::LogStore& store;
  const storage::Clock& clock;
  const ApiOptions& options;
  // Compiled metric filters, shared by all requests of one server (thread-safe).
  MetricFilterCache& metric_filter_cache;
  storage::Partition partition;  // from the SigV4 credential scope and access key
  // Logs Insights queries of this server (owned by the router; thread-safe). nullptr where
  // queries are not served (the Insights handlers then answer ServiceUnavailableException).
  QueryRunner* query_runner = nullptr;
  // Export tasks' runner (owned by the router; thread-safe). nullptr where exports are not run
  // (CreateExportTask then answers ServiceUnavailableException).
  ExportRunner* export_runner = nullptr;
  // Live tail sessions of this server (owned by the router; thread-safe): StartLiveTail adds
  // to it, PutLogEvents publishes to it. nullptr: StartLiveTail answers
  // ServiceUnavailableException and ingest publishes nothing.
  live_tail::LiveTailHub* live_tail = nullptr;
};

}  // namespace cwlogd::api
