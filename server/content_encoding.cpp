#include "server/content_encoding.h"

#include <utility>

#include <zlib.h>

#include "server/http_text.h"

namespace cwlogd::server {

std::optional<std::string> Gunzip(std::string_view compressed, size_t max_output_bytes,
                                  std::string* error) {
  z_stream zs{};
  // 15 + 32: maximum window, detect gzip or zlib header automatically.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) {
    *error = "cannot initialise zlib";
    return std::nullopt;
  }
  std::string out;
  out.resize(std::min<size_t>(max_output_bytes, std::max<size_t>(compressed.size() * 4, 4096)));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  size_t produced = 0;
  int rc = Z_OK;
  while (true) {
    if (produced == out.size()) {
      if (out.size() >= max_output_bytes) {
        rc = Z_BUF_ERROR;
        *error = "decompressed body exceeds the size limit";
        break;
      }
      out.resize(std::min(max_output_bytes, out.size() * 2));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(out.size() - produced);
    rc = inflate(&zs, Z_NO_FLUSH);
    produced = out.size() - zs.avail_out;
    if (rc == Z_STREAM_END && zs.avail_in == 0) break;
    if (rc == Z_STREAM_END) {
      // More bytes after a gzip member: another member (RFC 1952 allows several), or garbage,
      // which the next inflate reports as a bad header.
      rc = inflateReset(&zs);
      if (rc != Z_OK) {
        *error = "cannot reset zlib";
        break;
      }
      continue;
    }
    if (rc != Z_OK) {
      *error = zs.msg != nullptr ? zs.msg : "invalid gzip data";
      break;
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      rc = Z_DATA_ERROR;
      *error = "truncated gzip data";
      break;
    }
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

std::variant<DecodedBody, api::ApiError> DecodeContentEncoding(std::string_view content_encoding,
                                                               std::string_view body,
                                                               size_t max_decoded_bytes) {
  const std::string_view encoding = TrimOptionalWhitespace(content_encoding);
  if (encoding.empty() || EqualsNoCase(encoding, "identity")) return DecodedBody{};
  if (!EqualsNoCase(encoding, "gzip") && !EqualsNoCase(encoding, "x-gzip")) {
    return api::ApiError::Serialization("Unsupported Content-Encoding: " + std::string(encoding));
  }
  std::string error;
  std::optional<std::string> inflated = Gunzip(body, max_decoded_bytes, &error);
  if (!inflated) {
    return api::ApiError::Serialization("Cannot decode the gzip request body: " + error);
  }
  return DecodedBody{std::move(inflated)};
}

}  // namespace cwlogd::server
