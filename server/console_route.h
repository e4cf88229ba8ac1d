// The web console's static assets (console/www, compiled in by console/CMakeLists.txt): GET /
// redirects to /console/, GET /console/<file> answers the file with its Content-Type, a strong
// ETag (304 on If-None-Match) and gzip when the client accepts it. No auth: the assets are
// public; the console signs its API calls itself. Thread-safe: the table is built once.
#pragma once

#include <optional>
#include <string_view>

#include "server/cloudwatch_route.h"

namespace cwlogd::server {

// The answer for a console path, or nullopt when `target` is no console path (the caller
// answers 404 as before). `accept_encoding` and `if_none_match` are the request's headers.
std::optional<CloudWatchHttpResponse> HandleConsoleRequest(std::string_view target,
                                                           std::string_view accept_encoding,
                                                           std::string_view if_none_match);

}  // namespace cwlogd::server
