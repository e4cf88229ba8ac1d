// libFuzzer target for request dispatch: bytes -> api::Dispatch(target, body) against a real
// RocksLogStore in a temporary directory. Dispatch must never throw or crash, must answer either
// a JSON object or an ApiError with a type, a message and a 400/500 status, and whatever it
// answers must serialise. The store is wiped every few thousand inputs to stay small.
//
// Input layout: the first byte picks the operation (the Logs operations plus a few unknown
// targets), the rest is the JSON body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <unistd.h>

#include "api/dispatch.h"
#include "api/metric_filter_eval.h"
#include "storage/clock.h"
#include "storage/log_store.h"

namespace {

constexpr std::string_view kTargets[] = {
    "Logs_20140328.CreateLogGroup",
    "Logs_20140328.CreateLogStream",
    "Logs_20140328.DeleteLogGroup",
    "Logs_20140328.DeleteLogStream",
    "Logs_20140328.DescribeLogGroups",
    "Logs_20140328.DescribeLogStreams",
    "Logs_20140328.FilterLogEvents",
    "Logs_20140328.GetLogEvents",
    "Logs_20140328.ListLogGroups",
    "Logs_20140328.PutLogEvents",
    "Logs_20140328.TestMetricFilter",
    "Logs_20140328.PutRetentionPolicy",
    "Logs_20140328.",
    "Logs_20140328.NoSuchOperation",
    "",
    "GraniteServiceVersion20100801.PutMetricData",
};

struct Env {
  std::filesystem::path dir;
  std::unique_ptr<cwlogd::storage::LogStore> store;
  cwlogd::storage::FakeClock clock{1704110400000};
  cwlogd::api::ApiOptions options;
  cwlogd::api::MetricFilterCache metric_filter_cache;
  uint64_t runs = 0;

  Env() {
    dir = std::filesystem::temp_directory_path() /
          ("cwlogd-dispatch-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    cwlogd::storage::StorageOptions so;
    so.path = dir.string();
    so.block_cache_bytes = 8 << 20;
    auto opened = cwlogd::storage::OpenRocksLogStore(so);
    if (!opened.ok()) std::abort();
    store = std::move(opened).value();
  }
  ~Env() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Env& GetEnv() {
  static Env* env = [] {
    auto* e = new Env();
    std::atexit([] { delete &GetEnv(); });
    return e;
  }();
  return *env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Env& env = GetEnv();
  if (++env.runs % 4096 == 0 && !env.store->Reset().ok()) std::abort();
  std::string_view target = kTargets[data[0] % std::size(kTargets)];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  // Events are mostly stamped near "now"; move the clock a little so windows vary.
  env.clock.Advance(1);

  cwlogd::api::Context ctx{*env.store, env.clock, env.options, env.metric_filter_cache,
                           cwlogd::storage::Partition{"000000000000", "us-east-1"}};
  cwlogd::api::ApiResult result = cwlogd::api::Dispatch(target, body, ctx);
  if (auto* error = std::get_if<cwlogd::api::ApiError>(&result)) {
    if (error->type.empty() || error->message.empty()) __builtin_trap();
    if (error->http_status != 400 && error->http_status != 500) __builtin_trap();
    nlohmann::json rendered = {{"__type", error->type}, {"message", error->message}};
    (void)rendered.dump();  // throws (and so crashes the fuzzer) on invalid UTF-8
  } else if (auto* text = std::get_if<cwlogd::api::RenderedJson>(&result)) {
    // Written without a DOM: it must still parse as a JSON object (nlohmann rejects invalid
    // UTF-8 and bad escapes).
    const nlohmann::json out = nlohmann::json::parse(text->text, nullptr, false);
    if (out.is_discarded() || !out.is_object()) __builtin_trap();
  } else {
    const nlohmann::json& out = std::get<nlohmann::json>(result);
    if (!out.is_object()) __builtin_trap();
    (void)out.dump();
  }
  return 0;
}
