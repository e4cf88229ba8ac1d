// The console's files (console/www), embedded at build time by console/embed_assets.cmake.
// Thread-safe: constant data.
#pragma once

#include <cstddef>
#include <string_view>

namespace cwlogd::console {

struct Asset {
  std::string_view path;     // relative to console/www, e.g. "index.html", "js/api.js"
  std::string_view content;  // the file's bytes
};

// Every embedded file, sorted by path.
const Asset* Assets(size_t* count);

}  // namespace cwlogd::console
