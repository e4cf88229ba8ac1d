#include "server/console_route.h"

#include <cstdint>
#include <map>
#include <string>

#include <fmt/format.h>
#include <zlib.h>

#include "console/console_assets.h"
#include "server/http_text.h"

namespace cwlogd::server {
namespace {

constexpr std::string_view kConsolePrefix = "/console/";

// One file as served: its bytes, their gzip, and the validators (computed once at first use).
struct ConsoleFile {
  std::string_view content;
  std::string gzipped;  // empty when gzip would not be smaller
  std::string content_type;
  std::string etag;
};

std::string ConsoleContentType(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// FNV-1a 64: an ETag only has to change when the bytes do.
std::string ConsoleEtag(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("\"{:016x}\"", h);
}

std::string ConsoleGzip(std::string_view bytes) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper, as Content-Encoding: gzip wants.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&zs, bytes.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END || out.size() >= bytes.size()) return {};
  return out;
}

const std::map<std::string_view, ConsoleFile>& ConsoleFiles() {
  static const std::map<std::string_view, ConsoleFile> files = [] {
    std::map<std::string_view, ConsoleFile> m;
    size_t count = 0;
    const console::Asset* assets = console::Assets(&count);
    for (size_t i = 0; i < count; ++i) {
      const console::Asset& a = assets[i];
      m[a.path] = ConsoleFile{a.content, ConsoleGzip(a.content), ConsoleContentType(a.path),
                              ConsoleEtag(a.content)};
    }
    return m;
  }();
  return files;
}

// True when an Accept-Encoding value lists gzip without q=0.
bool ConsoleAcceptsGzip(std::string_view accept) {
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view item = TrimOptionalWhitespace(accept.substr(0, comma));
    std::string_view coding = TrimOptionalWhitespace(item.substr(0, item.find(';')));
    if (EqualsNoCase(coding, "gzip")) {
      size_t q = item.find("q=");
      if (q == std::string_view::npos) return true;
      std::string_view qv = item.substr(q + 2);
      return !(qv == "0" || qv.starts_with("0.000") || qv == "0." || qv == "0.0" || qv == "0.00");
    }
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return false;
}

CloudWatchHttpResponse ConsoleRedirect() {
  CloudWatchHttpResponse out;
  out.status = 302;
  out.headers.emplace_back("Location", "/console/");
  out.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  out.body = "See /console/\n";
  return out;
}

}  // namespace

std::optional<CloudWatchHttpResponse> HandleConsoleRequest(std::string_view target,
                                                           std::string_view accept_encoding,
                                                           std::string_view if_none_match) {
  const std::string_view path = PathOf(target);
  if (path == "/" || path == "/console" || path == "/index.html") return ConsoleRedirect();
  if (!path.starts_with(kConsolePrefix)) return std::nullopt;
  std::string_view name = path.substr(kConsolePrefix.size());
  if (name.empty()) name = "index.html";
  const auto& files = ConsoleFiles();
  auto it = files.find(name);
  if (it == files.end()) return std::nullopt;
  const ConsoleFile& file = it->second;
  CloudWatchHttpResponse out;
  out.headers.emplace_back("ETag", file.etag);
  // Names are not content-hashed: the browser revalidates each time (a 304 is cheap).
  out.headers.emplace_back("Cache-Control", "no-cache");
  out.headers.emplace_back("Vary", "Accept-Encoding");
  out.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (name == "index.html") {
    out.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                             "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  }
  if (!if_none_match.empty() && if_none_match.find(file.etag) != std::string_view::npos) {
    out.status = 304;
    return out;
  }
  out.status = 200;
  out.headers.emplace_back("Content-Type", file.content_type);
  if (!file.gzipped.empty() && ConsoleAcceptsGzip(accept_encoding)) {
    out.headers.emplace_back("Content-Encoding", "gzip");
    out.body = file.gzipped;
  } else {
    out.body = std::string(file.content);
  }
  return out;
}

}  // namespace cwlogd::server
