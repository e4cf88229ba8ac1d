// The one conversion from a rocksdb::Status to a storage::Status, shared by every RocksDB-backed
// store in storage/ so that they agree on what a RocksDB failure means. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <rocksdb/status.h>

#include "storage/status.h"

namespace cwlogd::storage::detail {

// `what` names the operation ("write", "open <path>", ...). The message keeps RocksDB's text for
// the server log; api/api_error.cpp never shows it to a client.
inline Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(std::move(msg));
  return Status::IOError(std::move(msg));
}

}  // namespace cwlogd::storage::detail
