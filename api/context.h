// What every handler gets besides its request: the store, the clock, options and the caller's
// (account, region) partition. No singletons. A Context lives for one request.
#pragma once

#include <cstddef>

#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::api {

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
  storage::Partition partition;  // from the SigV4 credential scope and access key
};

}  // namespace cwlogd::api
