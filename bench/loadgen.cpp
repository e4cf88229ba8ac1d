// Load generator for bench/run.sh: drives one CloudWatch Logs endpoint (cwlogd or moto) over
// plain HTTP/1.1 keep-alive connections, one blocking Boost.Beast client per thread.
// Prints results as `key=value` lines on stdout (run.sh collects them).
//
//   loadgen --port P <mode> [options]
//   modes: setup   --group G --streams N                 create group and streams s0..s<N-1>
//          load    --group G --streams N --events E      E events spread over the streams,
//          1000/batch ingest  --group G --conns C --duration S      back-to-back 1000-event batches
//                  [--metric-filters N]                  first put N (0-5) metric filters on G
//          filter  --group G --pattern P --limit L --pages 1|0 --reps R   (pages 0 = follow all)
//          read    --group G --stream S --limit L        GetLogEvents from head until the end
//          probe   --group G --stream S                  retry GetLogEvents until it returns events
//          mixed   --group G --writers W --pollers P --duration S --batch B --interval-ms I
//          latency --group G --scanners N --duration S [--pattern P]
//                  N clients run full FilterLogEvents scans of G (all pages) in a loop; one more
//                  client meanwhile times small requests (GET /_cwlogd/health, DescribeLogGroups
//                  with limit 1, a 1-event PutLogEvents into group G-small) back to back.
//                  The default pattern matches no line and cannot be answered from the term
//                  sketches, so every scan reads every event of G.
//          streams --group G --streams N --conns C       create streams s0..s<N-1>, one event in
//                  each of the odd ones at a time unrelated to its name (issue 14 item 8)
//          describe --group G --order-by LastEventTime|LogStreamName [--descending 1]
//          insights --group G --query Q --reps R     StartQuery over the last 2 h, polled to the
//                                                    end (GetQueryResults every 1 ms)
//          (load --json 1: JSON messages {"method","path","status","bytes","latency_ms","level"}
//          instead of nginx lines)
//                  page through every stream of G with DescribeLogStreams, 50 per page
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <simdjson.h>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string g_host = "127.0.0.1";
std::string g_port;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

class Client {
 public:
  Client() : stream_(ioc_) { Connect(); }

  void Connect() {
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    stream_.socket().close(ec);
    stream_.connect(resolver.resolve(g_host, g_port));
    stream_.socket().set_option(tcp::no_delay(true));
  }

  // Sends one Logs request; returns the HTTP status, body in `out`.
  int Call(const std::string& op, const std::string& body, std::string& out) {
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, g_host + ":" + g_port);
    req.set(http::field::content_type, "application/x-amz-json-1.1");
    req.set("X-Amz-Target", "Logs_20140328." + op);
    req.set("X-Amz-Date", "20240101T000000Z");
    req.set(http::field::authorization,
            "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/logs/aws4_request, "
            "SignedHeaders=host, Signature=0");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    for (int attempt = 0;; ++attempt) {
      try {
        http::write(stream_, req);
        http::response_parser<http::string_body> parser;
        parser.body_limit(256u << 20);
        http::read(stream_, buffer_, parser);
        auto res = parser.release();
        out = std::move(res.body());
        if (!res.keep_alive()) Connect();
        return static_cast<int>(res.result_int());
      } catch (const std::exception&) {
        if (attempt >= 2) throw;
        buffer_.clear();
        Connect();
      }
    }
  }

  // GET `target`; returns the HTTP status.
  int Get(const std::string& target) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, g_host + ":" + g_port);
    req.keep_alive(true);
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    if (!res.keep_alive()) Connect();
    return static_cast<int>(res.result_int());
  }

  std::string MustCall(const std::string& op, const std::string& body) {
    std::string out;
    int status = Call(op, body, out);
    if (status != 200) {
      throw std::runtime_error(op + " -> HTTP " + std::to_string(status) + ": " +
                               out.substr(0, 300));
    }
    return out;
  }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// ~170-byte nginx combined-log lines with varied IPs, paths, status codes and sizes.
class LineGen {
 public:
  explicit LineGen(uint32_t seed) : gen_(seed) {}
  void Append(std::string& out, int64_t ts_ms, bool rare) {
    static const char* kMethods[] = {"GET", "GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD"};
    static const char* kPaths[] = {
        "/api/v1/users/",        "/api/v1/orders/", "/static/js/app.",      "/index.html?page=",
        "/api/v2/search?q=item", "/img/products/",  "/cart/checkout?step=", "/health"};
    static const int kStatus[] = {200, 200, 200, 200, 200, 201, 204,
                                  301, 304, 400, 401, 404, 500, 502};
    static const char* kAgents[] = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:118.0) Gecko/20100101 Firefox/118.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_5) AppleWebKit/605.1.15 Safari/605.1",
        "curl/8.4.0", "python-requests/2.31.0", "Go-http-client/1.1"};
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto r = [this] { return static_cast<unsigned>(gen_()); };
    time_t secs = static_cast<time_t>(ts_ms / 1000);
    struct tm t;
    gmtime_r(&secs, &t);
    char buf[512];
    int n = std::snprintf(
        buf, sizeof buf,
        "%u.%u.%u.%u - - [%02d/%s/%d:%02d:%02d:%02d +0000] \\\"%s %s%u HTTP/1.1\\\" %d %u "
        "\\\"-\\\" \\\"%s\\\"%s",
        10 + r() % 200, r() % 256, r() % 256, 1 + r() % 254, t.tm_mday, kMonths[t.tm_mon],
        1900 + t.tm_year, t.tm_hour, t.tm_min, t.tm_sec, kMethods[r() % 8], kPaths[r() % 8],
        r() % 100000, kStatus[r() % 14], 200 + r() % 60000, kAgents[r() % 5],
        rare ? " RAREPANIC" : "");
    out.append(buf, static_cast<size_t>(n));
  }
  // The same traffic as one JSON object per line (escaped for a JSON string).
  void AppendJson(std::string& out, bool rare) {
    static const char* kMethods[] = {"GET", "GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD"};
    static const char* kPaths[] = {"/api/v1/users",  "/api/v1/orders", "/static/app.js",
                                   "/index.html",    "/api/v2/search", "/img/product.png",
                                   "/cart/checkout", "/health"};
    static const int kStatus[] = {200, 200, 200, 200, 200, 201, 204,
                                  301, 304, 400, 401, 404, 500, 502};
    auto r = [this] { return static_cast<unsigned>(gen_()); };
    const int status = kStatus[r() % 14];
    char buf[384];
    int n = std::snprintf(buf, sizeof buf,
                          "{\\\"method\\\":\\\"%s\\\",\\\"path\\\":\\\"%s\\\",\\\"status\\\":%d,"
                          "\\\"bytes\\\":%u,\\\"latency_ms\\\":%u,\\\"level\\\":\\\"%s\\\","
                          "\\\"request_id\\\":\\\"%08x%08x\\\"%s}",
                          kMethods[r() % 8], kPaths[r() % 8], status, 200 + r() % 60000,
                          1 + r() % 900, status >= 500 ? "ERROR" : "INFO", r(), r(),
                          rare ? ",\\\"note\\\":\\\"RAREPANIC\\\"" : "");
    out.append(buf, static_cast<size_t>(n));
  }
  uint32_t Next() { return static_cast<uint32_t>(gen_()); }

 private:
  std::mt19937 gen_;
};

// load --json 1: JSON messages instead of nginx lines.
bool g_json_lines = false;

// A PutLogEvents body of `count` events with timestamps ts0, ts0+step, ...
// Returns the number of message bytes in *msg_bytes.
std::string PutBody(LineGen& g, const std::string& group, const std::string& stream, int64_t ts0,
                    int64_t step_num, int64_t step_den, int count, uint64_t first_index,
                    uint64_t rare_every, size_t* msg_bytes) {
  std::string b;
  b.reserve(static_cast<size_t>(count) * 200 + 200);
  b += "{\"logGroupName\":\"" + group + "\",\"logStreamName\":\"" + stream + "\",\"logEvents\":[";
  size_t bytes = 0;
  for (int i = 0; i < count; ++i) {
    int64_t ts = ts0 + (i * step_num) / step_den;
    if (i) b += ',';
    b += "{\"timestamp\":" + std::to_string(ts) + ",\"message\":\"";
    size_t before = b.size();
    uint64_t idx = first_index + static_cast<uint64_t>(i);
    const bool rare = rare_every && idx % rare_every == rare_every / 2;
    if (g_json_lines) {
      g.AppendJson(b, rare);
      bytes += b.size() - before;  // approximately: escapes counted
    } else {
      g.Append(b, ts, rare);
      bytes += b.size() - before - 6;  // 6 escaped quotes in the line
    }
    b += "\"}";
  }
  b += "]}";
  if (msg_bytes) *msg_bytes = bytes;
  return b;
}

std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::lround(p * static_cast<double>(v.size() - 1)));
  return v[std::min(i, v.size() - 1)];
}

std::map<std::string, std::string> g_opts;
std::string Opt(const std::string& k, const std::string& def = "") {
  auto it = g_opts.find(k);
  return it == g_opts.end() ? def : it->second;
}
long long OptI(const std::string& k, long long def) {
  auto it = g_opts.find(k);
  return it == g_opts.end() ? def : std::stoll(it->second);
}

void Setup(const std::string& group, int streams) {
  Client c;
  std::string out;
  c.Call("CreateLogGroup", "{\"logGroupName\":\"" + group + "\"}", out);
  for (int s = 0; s < streams; ++s) {
    c.Call("CreateLogStream",
           "{\"logGroupName\":\"" + group + "\",\"logStreamName\":\"s" + std::to_string(s) + "\"}",
           out);
  }
}

// Loads `events` events into streams s0..s<streams-1>, 1000 per batch, timestamps spread over
// the last hour. Every 100,000th event carries the rare term RAREPANIC.
void Load(const std::string& group, int streams, long long events, int conns) {
  Setup(group, streams);
  const long long per_stream = events / streams;
  const int64_t base = NowMs() - 3600 * 1000;
  std::atomic<int> next_stream{0};
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  std::atomic<long long> done{0};
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      Client cl;
      LineGen g(1234u + static_cast<uint32_t>(c));
      for (int s; (s = next_stream.fetch_add(1)) < streams;) {
        std::string name = "s" + std::to_string(s);
        for (long long i = 0; i < per_stream; i += 1000) {
          int n = static_cast<int>(std::min<long long>(1000, per_stream - i));
          // spread the stream's events over 3,000,000 ms
          int64_t ts0 = base + (i * 3000000) / per_stream;
          std::string body = PutBody(g, group, name, ts0, 3000000, per_stream, n,
                                     static_cast<uint64_t>(s * per_stream + i), 100000, nullptr);
          cl.MustCall("PutLogEvents", body);
          done += n;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf("loaded=%lld\nload_seconds=%.3f\n", done.load(), Seconds(Clock::now() - t0));
}

// The metric filters a user puts on an nginx access log (issue 5's speed goal): an event count,
// bytes by space-delimited $size, 5xx by status with a dimension, a term with a default value,
// and a JSON filter (which never matches these lines, but still has to look at each one).
void PutMetricFilters(const std::string& group, int count) {
  static const char* kFilters[] = {
      R"("filterName":"events","filterPattern":"","metricTransformations":[{"metricName":"EventCount","metricNamespace":"Bench","metricValue":"1"}])",
      R"("filterName":"bytes","filterPattern":"[ip, id, user, timestamp, request, status_code, size, ...]","metricTransformations":[{"metricName":"BytesTransferred","metricNamespace":"Bench","metricValue":"$size","unit":"Bytes"}])",
      R"("filterName":"5xx","filterPattern":"[ip, id, user, timestamp, request, status_code = 5*, ...]","metricTransformations":[{"metricName":"ServerErrors","metricNamespace":"Bench","metricValue":"1","dimensions":{"Status":"$status_code"}}])",
      R"("filterName":"posts","filterPattern":"POST","metricTransformations":[{"metricName":"Posts","metricNamespace":"Bench","metricValue":"1","defaultValue":0}])",
      R"("filterName":"json-errors","filterPattern":"{ $.level = \"ERROR\" }","metricTransformations":[{"metricName":"JsonErrors","metricNamespace":"Bench","metricValue":"1"}])",
  };
  Client c;
  std::string out;
  for (int i = 0; i < count && i < 5; ++i) {
    c.MustCall("PutMetricFilter", "{\"logGroupName\":\"" + group + "\"," + kFilters[i] + "}");
  }
}

void Ingest(const std::string& group, int conns, double duration, int batch, int metric_filters) {
  Setup(group, conns);
  PutMetricFilters(group, metric_filters);
  const int64_t base = NowMs();
  // A few distinct bodies per connection, reused (the API has no de-duplication).
  std::vector<std::vector<std::string>> bodies(static_cast<size_t>(conns));
  size_t msg_bytes = 0;
  for (int c = 0; c < conns; ++c) {
    LineGen g(99u + static_cast<uint32_t>(c));
    for (int k = 0; k < 4; ++k) {
      bodies[static_cast<size_t>(c)].push_back(
          PutBody(g, group, "s" + std::to_string(c), base, 1, 10, batch, 0, 0, &msg_bytes));
    }
  }
  std::atomic<long long> events{0}, bytes{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<double> lat;
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      Client cl;
      std::vector<double> my;
      size_t k = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        const auto& b = bodies[static_cast<size_t>(c)][k++ % 4];
        auto s = Clock::now();
        cl.MustCall("PutLogEvents", b);
        my.push_back(Seconds(Clock::now() - s) * 1000);
        events += batch;
        bytes += static_cast<long long>(msg_bytes);
      }
      std::lock_guard<std::mutex> l(mu);
      lat.insert(lat.end(), my.begin(), my.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(duration));
  stop = true;
  for (auto& t : threads) t.join();
  double secs = Seconds(Clock::now() - t0);
  std::printf(
      "events=%lld\nseconds=%.3f\nevents_per_s=%.0f\nmb_per_s=%.2f\nput_p50_ms=%.2f\n"
      "put_p99_ms=%.2f\n",
      events.load(), secs, static_cast<double>(events.load()) / secs,
      static_cast<double>(bytes.load()) / secs / 1e6, Percentile(lat, 0.5), Percentile(lat, 0.99));
}

// Counts the events of a response and extracts one string field.
size_t CountEvents(simdjson::ondemand::parser& p, const std::string& body, const char* token_field,
                   std::string* token) {
  simdjson::padded_string ps(body);
  auto doc = p.iterate(ps);
  size_t n = 0;
  token->clear();
  for (auto field : doc.get_object()) {
    std::string_view key = field.unescaped_key().value();
    if (key == "events") {
      for (auto e : field.value().get_array()) {
        (void)e;
        ++n;
      }
    } else if (key == token_field) {
      std::string_view v;
      if (!field.value().get_string().get(v)) token->assign(v);  // moto may send null
    }
  }
  return n;
}

void Filter(const std::string& group, const std::string& pattern, int limit, bool all_pages,
            int reps) {
  Client cl;
  simdjson::ondemand::parser p;
  std::vector<double> times;
  size_t matched = 0, calls = 0;
  for (int r = 0; r < reps; ++r) {
    std::string token;
    matched = 0;
    calls = 0;
    auto t0 = Clock::now();
    do {
      std::string body = "{\"logGroupName\":\"" + group + "\",\"filterPattern\":\"" + Esc(pattern) +
                         "\",\"limit\":" + std::to_string(limit);
      if (!token.empty()) body += ",\"nextToken\":\"" + token + "\"";
      body += "}";
      std::string out = cl.MustCall("FilterLogEvents", body);
      matched += CountEvents(p, out, "nextToken", &token);
      ++calls;
    } while (all_pages && !token.empty());
    times.push_back(Seconds(Clock::now() - t0) * 1000);
  }
  std::printf("median_ms=%.2f\nmin_ms=%.2f\nmatched=%zu\ncalls=%zu\n", Percentile(times, 0.5),
              *std::min_element(times.begin(), times.end()), matched, calls);
}

// Logs Insights: StartQuery over the last two hours, then GetQueryResults every millisecond
// until the status is final; the time is from sending StartQuery to the final answer.
void Insights(const std::string& group, const std::string& query, int reps) {
  Client cl;
  simdjson::ondemand::parser p;
  std::vector<double> times;
  std::string status;
  size_t rows = 0;
  double scanned = -1, matched = -1;  // -1: the answer had no statistics (moto has none)
  std::string fields;                 // the field names of the first row, comma-separated
  const int64_t end_s = NowMs() / 1000 + 60;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    std::string out = cl.MustCall(
        "StartQuery",
        "{\"logGroupName\":\"" + group + "\",\"startTime\":" + std::to_string(end_s - 7200) +
            ",\"endTime\":" + std::to_string(end_s) + ",\"queryString\":\"" + Esc(query) + "\"}");
    simdjson::padded_string started(out);
    auto started_doc = p.iterate(started);
    std::string id(std::string_view(started_doc["queryId"].get_string().value()));
    for (;;) {
      out = cl.MustCall("GetQueryResults", "{\"queryId\":\"" + id + "\"}");
      simdjson::padded_string body(out);
      auto doc = p.iterate(body);
      status = std::string(std::string_view(doc["status"].get_string().value()));
      if (status != "Scheduled" && status != "Running") {
        rows = 0;
        fields.clear();
        for (auto row : doc["results"].get_array()) {
          if (rows++ > 0) continue;
          for (auto cell : row.get_array()) {
            if (!fields.empty()) fields += ',';
            fields += std::string_view(cell["field"].get_string().value());
          }
        }
        auto stats = doc["statistics"];
        if (stats.error() == simdjson::SUCCESS) {
          scanned = stats["recordsScanned"].get_double().value();
          matched = stats["recordsMatched"].get_double().value();
        }
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    times.push_back(Seconds(Clock::now() - t0) * 1000);
  }
  std::printf(
      "median_ms=%.2f\nmin_ms=%.2f\nstatus=%s\nrows=%zu\nfirst_row_fields=%s\n"
      "records_scanned=%.0f\nrecords_matched=%.0f\n",
      Percentile(times, 0.5), *std::min_element(times.begin(), times.end()), status.c_str(), rows,
      fields.c_str(), scanned, matched);
}

void Read(const std::string& group, const std::string& stream, int limit) {
  Client cl;
  simdjson::ondemand::parser p;
  std::string token, prev;
  size_t total = 0, pages = 0;
  auto t0 = Clock::now();
  for (;;) {
    std::string body = "{\"logGroupName\":\"" + group;
    body += "\",\"logStreamName\":\"" + stream;
    body += "\",\"startFromHead\":true,\"limit\":" + std::to_string(limit);
    if (!token.empty()) body += ",\"nextToken\":\"" + token + "\"";
    body += "}";
    std::string out = cl.MustCall("GetLogEvents", body);
    prev = token;
    size_t n = CountEvents(p, out, "nextForwardToken", &token);
    ++pages;
    total += n;
    if (n == 0 || token == prev || token.empty()) break;
  }
  std::printf("read_ms=%.1f\nread_events=%zu\npages=%zu\n", Seconds(Clock::now() - t0) * 1000,
              total, pages);
}

// Streams s0..s<streams-1>; the odd ones get one event, at a time that does not follow the name
// order (so ordering by LastEventTime cannot ride on the name order).
void Streams(const std::string& group, int streams, int conns) {
  Client setup;
  std::string out;
  setup.Call("CreateLogGroup", "{\"logGroupName\":\"" + group + "\"}", out);
  const int64_t base = NowMs() - 3600 * 1000;
  std::atomic<int> next{0};
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&] {
      Client cl;
      for (int s; (s = next.fetch_add(1)) < streams;) {
        const std::string name = "s" + std::to_string(s);
        std::string ref = "{\"logGroupName\":\"" + group;
        ref += "\",\"logStreamName\":\"" + name + "\"";
        cl.MustCall("CreateLogStream", ref + "}");
        if (s % 2 == 1) {
          const int64_t ts = base + (static_cast<int64_t>(s) * 7919) % 3000000;
          cl.MustCall("PutLogEvents", ref + ",\"logEvents\":[{\"timestamp\":" + std::to_string(ts) +
                                          ",\"message\":\"m\"}]}");
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf("streams=%d\nstreams_seconds=%.3f\n", streams, Seconds(Clock::now() - t0));
}

// Pages through every stream of `group` with DescribeLogStreams (50 a page).
void Describe(const std::string& group, const std::string& order_by, bool descending) {
  Client cl;
  simdjson::ondemand::parser p;
  std::string token;
  size_t total = 0, pages = 0;
  auto t0 = Clock::now();
  for (;;) {
    std::string body = "{\"logGroupName\":\"" + group;
    body += "\",\"orderBy\":\"" + order_by + "\"";
    if (descending) body += ",\"descending\":true";
    if (!token.empty()) body += ",\"nextToken\":\"" + token + "\"";
    body += "}";
    std::string out = cl.MustCall("DescribeLogStreams", body);
    ++pages;
    simdjson::padded_string padded(out);
    auto doc = p.iterate(padded);
    token.clear();
    for (auto field : doc.get_object()) {
      std::string_view key = field.unescaped_key().value();
      if (key == "logStreams") {
        for (auto stream : field.value().get_array()) {
          (void)stream;
          ++total;
        }
      } else if (key == "nextToken") {
        std::string_view v;
        if (!field.value().get_string().get(v)) token.assign(v);
      }
    }
    if (token.empty()) break;
  }
  const double ms = Seconds(Clock::now() - t0) * 1000;
  std::printf("describe_ms=%.1f\ndescribed=%zu\npages=%zu\nms_per_page=%.2f\n", ms, total, pages,
              ms / static_cast<double>(pages));
}

// Retries a GetLogEvents until it answers with events; prints the wall-clock time (ns) then.
void Probe(const std::string& group, const std::string& stream) {
  simdjson::ondemand::parser p;
  const std::string request = "{\"logGroupName\":\"" + group + "\",\"logStreamName\":\"" + stream +
                              "\",\"startFromHead\":true,\"limit\":1}";
  for (int i = 0; i < 200000; ++i) {
    try {
      Client cl;
      std::string out, token;
      int st = cl.Call("GetLogEvents", request, out);
      if (st == 200 && CountEvents(p, out, "nextForwardToken", &token) > 0) {
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
        std::printf("answered_ns=%lld\nattempts=%d\n", static_cast<long long>(ns), i + 1);
        return;
      }
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  throw std::runtime_error("probe: no answer with events");
}

void Mixed(const std::string& group, int writers, int pollers, double duration, int batch,
           int interval_ms) {
  Setup(group, writers);
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<double> put_lat, lag;
  std::atomic<long long> written{0}, seen{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      Client cl;
      LineGen g(777u + static_cast<uint32_t>(w));
      std::vector<double> my;
      auto next = Clock::now() +
                  std::chrono::milliseconds(g.Next() % static_cast<unsigned>(interval_ms + 1));
      uint64_t idx = 0;
      while (!stop.load()) {
        std::this_thread::sleep_until(next);
        next += std::chrono::milliseconds(interval_ms);
        std::string body =
            PutBody(g, group, "s" + std::to_string(w), NowMs(), 0, 1, batch, idx, 0, nullptr);
        idx += static_cast<uint64_t>(batch);
        auto s = Clock::now();
        cl.MustCall("PutLogEvents", body);
        my.push_back(Seconds(Clock::now() - s) * 1000);
        written += batch;
      }
      std::lock_guard<std::mutex> l(mu);
      put_lat.insert(put_lat.end(), my.begin(), my.end());
    });
  }
  const int64_t start_ms = NowMs();
  for (int q = 0; q < pollers; ++q) {
    threads.emplace_back([&] {
      Client cl;
      simdjson::ondemand::parser p;
      std::unordered_set<std::string> ids;
      std::vector<double> my;
      int64_t start_time = start_ms;
      while (!stop.load()) {
        std::string token;
        int64_t max_ts = 0;
        do {
          std::string body = "{\"logGroupName\":\"" + group +
                             "\",\"startTime\":" + std::to_string(start_time) + ",\"limit\":10000";
          if (!token.empty()) body += ",\"nextToken\":\"" + token + "\"";
          body += "}";
          std::string out = cl.MustCall("FilterLogEvents", body);
          int64_t now = NowMs();
          token.clear();
          simdjson::padded_string ps(out);
          auto doc = p.iterate(ps);
          for (auto field : doc.get_object()) {
            std::string_view key = field.unescaped_key().value();
            if (key == "events") {
              for (auto e : field.value().get_array()) {
                int64_t ts = 0;
                std::string id;
                for (auto f : e.get_object()) {
                  std::string_view k = f.unescaped_key().value();
                  if (k == "timestamp")
                    ts = f.value().get_int64().value();
                  else if (k == "eventId")
                    id = std::string(f.value().get_string().value());
                }
                if (ids.insert(id).second) {
                  my.push_back(static_cast<double>(now - ts));
                  max_ts = std::max(max_ts, ts);
                }
              }
            } else if (key == "nextToken") {
              std::string_view v;
              if (!field.value().get_string().get(v)) token = std::string(v);
            }
          }
        } while (!token.empty() && !stop.load());
        // Moving window: re-read the last second to catch batches committed out of order.
        if (max_ts > 0) start_time = std::max(start_time, max_ts - 1000);
        if (ids.size() > 2000000) ids.clear();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      seen += static_cast<long long>(my.size());
      std::lock_guard<std::mutex> l(mu);
      lag.insert(lag.end(), my.begin(), my.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(duration));
  stop = true;
  for (auto& t : threads) t.join();
  std::printf(
      "written=%lld\nput_p50_ms=%.2f\nput_p99_ms=%.2f\nputs=%zu\nlag_p50_ms=%.0f\n"
      "lag_p99_ms=%.0f\nseen=%lld\n",
      written.load(), Percentile(put_lat, 0.5), Percentile(put_lat, 0.99), put_lat.size(),
      Percentile(lag, 0.5), Percentile(lag, 0.99), seen.load());
}

// Small-request latency while `scanners` clients run whole-group scans (issue 13: a long
// FilterLogEvents must not stall other requests).
void Latency(const std::string& group, int scanners, double duration, const std::string& pattern) {
  const std::string small_group = group + "-small";
  Setup(small_group, 1);
  std::atomic<bool> stop{false};
  std::atomic<long long> scans{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < scanners; ++i) {
    threads.emplace_back([&] {
      Client cl;
      simdjson::ondemand::parser p;
      while (!stop.load()) {
        std::string token;
        do {
          std::string body = "{\"logGroupName\":\"" + group + "\",\"filterPattern\":\"" +
                             Esc(pattern) + "\",\"limit\":10000";
          if (!token.empty()) body += ",\"nextToken\":\"" + token + "\"";
          body += "}";
          std::string out = cl.MustCall("FilterLogEvents", body);
          CountEvents(p, out, "nextToken", &token);
        } while (!token.empty() && !stop.load());
        ++scans;
      }
    });
  }
  // Let the scans start before timing.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::vector<double> health, describe, put;
  Client cl;
  LineGen g(4242u);
  const std::string describe_body = "{\"logGroupNamePrefix\":\"" + group + "\",\"limit\":1}";
  auto timed = [](std::vector<double>& into, auto&& call) {
    auto s = Clock::now();
    call();
    into.push_back(Seconds(Clock::now() - s) * 1000);
  };
  auto t0 = Clock::now();
  uint64_t idx = 0;
  while (Seconds(Clock::now() - t0) < duration) {
    timed(health, [&] {
      if (cl.Get("/_cwlogd/health") != 200) throw std::runtime_error("health check failed");
    });
    timed(describe, [&] { cl.MustCall("DescribeLogGroups", describe_body); });
    std::string body = PutBody(g, small_group, "s0", NowMs(), 0, 1, 1, idx++, 0, nullptr);
    timed(put, [&] { cl.MustCall("PutLogEvents", body); });
  }
  stop = true;
  for (auto& t : threads) t.join();
  auto print = [](const char* name, const std::vector<double>& v) {
    std::printf("%s_n=%zu\n%s_p50_ms=%.2f\n%s_p99_ms=%.2f\n%s_max_ms=%.2f\n", name, v.size(), name,
                Percentile(v, 0.5), name, Percentile(v, 0.99), name,
                v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()));
  };
  print("health", health);
  print("describe", describe);
  print("put", put);
  std::printf("full_scans=%lld\n", scans.load());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: loadgen <mode> --port P [--key value ...]\n");
    return 2;
  }
  std::string mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k.rfind("--", 0) == 0) k = k.substr(2);
    g_opts[k] = argv[i + 1];
  }
  g_port = Opt("port");
  g_host = Opt("host", "127.0.0.1");
  try {
    std::string group = Opt("group", "bench");
    if (mode == "setup") {
      Setup(group, static_cast<int>(OptI("streams", 1)));
    } else if (mode == "load") {
      g_json_lines = OptI("json", 0) != 0;
      Load(group, static_cast<int>(OptI("streams", 10)), OptI("events", 1000000),
           static_cast<int>(OptI("conns", 2)));
    } else if (mode == "ingest") {
      Ingest(group, static_cast<int>(OptI("conns", 8)), static_cast<double>(OptI("duration", 20)),
             static_cast<int>(OptI("batch", 1000)), static_cast<int>(OptI("metric-filters", 0)));
    } else if (mode == "filter") {
      Filter(group, Opt("pattern"), static_cast<int>(OptI("limit", 10000)), OptI("pages", 0) == 0,
             static_cast<int>(OptI("reps", 5)));
    } else if (mode == "insights") {
      Insights(group, Opt("query"), static_cast<int>(OptI("reps", 5)));
    } else if (mode == "read") {
      Read(group, Opt("stream", "s0"), static_cast<int>(OptI("limit", 10000)));
    } else if (mode == "probe") {
      Probe(group, Opt("stream", "s0"));
    } else if (mode == "mixed") {
      Mixed(group, static_cast<int>(OptI("writers", 30)), static_cast<int>(OptI("pollers", 2)),
            static_cast<double>(OptI("duration", 30)), static_cast<int>(OptI("batch", 100)),
            static_cast<int>(OptI("interval-ms", 100)));
    } else if (mode == "streams") {
      Streams(group, static_cast<int>(OptI("streams", 100000)), static_cast<int>(OptI("conns", 4)));
    } else if (mode == "describe") {
      Describe(group, Opt("order-by", "LastEventTime"), OptI("descending", 0) != 0);
    } else if (mode == "latency") {
      Latency(group, static_cast<int>(OptI("scanners", 2)),
              static_cast<double>(OptI("duration", 20)),
              Opt("pattern", "[ip, id, user, timestamp, request, status_code = 999, ...]"));
    } else {
      std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loadgen %s: %s\n", mode.c_str(), e.what());
    return 1;
  }
  return 0;
}
