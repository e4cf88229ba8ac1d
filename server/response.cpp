#include "server/response.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <random>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

namespace cwlogd::server {

namespace http = boost::beast::http;

std::string NewRequestId() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  std::array<uint8_t, 16> b{};
  uint64_t hi = rng();
  uint64_t lo = rng();
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(hi >> (8 * i));
    b[8 + i] = static_cast<uint8_t>(lo >> (8 * i));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

std::string HttpDateNow() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  // Formatted by hand: strftime's %a/%b depend on the locale.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string DumpJson(const nlohmann::json& value) {
  if (value.is_null()) return "{}";
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

HttpResponse BaseResponse(unsigned http_version, const std::string& request_id, unsigned status,
                          std::string body, std::string_view content_type) {
  HttpResponse res{static_cast<http::status>(status), http_version};
  res.set("x-amzn-RequestId", request_id);
  res.set(http::field::date, HttpDateNow());
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace

HttpResponse JsonResponse(unsigned http_version, const std::string& request_id,
                          const nlohmann::json& body, unsigned status,
                          std::string_view content_type) {
  return BaseResponse(http_version, request_id, status, DumpJson(body), content_type);
}

HttpResponse JsonTextResponse(unsigned http_version, const std::string& request_id,
                              std::string json_text) {
  return BaseResponse(http_version, request_id, 200, std::move(json_text), kAmzJson11);
}

HttpResponse EventStreamResponse(unsigned http_version, const std::string& request_id) {
  HttpResponse res{http::status::ok, http_version};
  res.set("x-amzn-RequestId", request_id);
  res.set(http::field::date, HttpDateNow());
  res.set(http::field::content_type, "application/vnd.amazon.eventstream");
  return res;
}

HttpResponse ErrorResponse(unsigned http_version, const std::string& request_id,
                           const api::ApiError& error, std::string_view content_type) {
  nlohmann::json body = {{"__type", error.type}, {"message", error.message}};
  for (const auto& [name, value] : error.extra_fields) body[name] = value;
  for (const auto& [name, text] : error.extra_json) {
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (!value.is_discarded()) body[name] = std::move(value);
  }
  int status = error.http_status;
  if (status < 400 || status > 599) status = 500;  // a handler bug must not look like success
  HttpResponse res = BaseResponse(http_version, request_id, static_cast<unsigned>(status),
                                  DumpJson(body), content_type);
  res.set("X-Amzn-ErrorType", error.type);
  return res;
}

}  // namespace cwlogd::server
