// cwlogd-agent: ships log files to CloudWatch Logs (or cwlogd), configured by an awslogs.conf
// or an amazon-cloudwatch-agent JSON file. See docs/agent.md.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "agent/agent.h"
#include "agent/client.h"
#include "agent/config_awslogs.h"
#include "agent/config_json.h"
#include "agent/sigv4.h"
#include "agent/state_file.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int /*sig*/) { g_stop.store(true); }

constexpr const char* kUsage =
    "usage: cwlogd-agent --config FILE [options]\n"
    "  --config FILE          awslogs.conf (INI) or amazon-cloudwatch-agent JSON\n"
    "  --format awslogs|json  config format (default: JSON if the file starts with '{')\n"
    "  --endpoint-url URL     http(s)://host:port (default: endpoint_override, else AWS)\n"
    "  --region REGION        (default: AWS_REGION, AWS_DEFAULT_REGION, agent.region, us-east-1)\n"
    "  --state-file PATH      (default: [general] state_file, else <config>.state)\n"
    "  --poll-interval-ms N   polling fallback interval (default 250)\n"
    "  --no-verify-ssl        do not verify the endpoint's TLS certificate\n"
    "  --check-config         report the config (and unknown keys) and exit\n"
    "  --verbose              a line per shipped batch on stderr\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "cwlogd-agent: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cwlogd::agent;
  std::string config_path;
  std::string format;
  std::string endpoint;
  std::string region;
  std::string state_path;
  bool check_only = false;
  bool verify_tls = true;
  AgentOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (arg == "--config" && value(&config_path)) continue;
    if (arg == "--format" && value(&format)) continue;
    if (arg == "--endpoint-url" && value(&endpoint)) continue;
    if (arg == "--region" && value(&region)) continue;
    if (arg == "--state-file" && value(&state_path)) continue;
    if (arg == "--poll-interval-ms" && value(&v)) {
      options.poll_interval_ms = std::max(10L, std::strtol(v.c_str(), nullptr, 10));
      continue;
    }
    if (arg == "--no-verify-ssl") {
      verify_tls = false;
      continue;
    }
    if (arg == "--check-config") {
      check_only = true;
      continue;
    }
    if (arg == "--verbose") {
      options.verbose = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::puts("cwlogd-agent " CWLOGD_VERSION);
      return 0;
    }
    std::fputs(kUsage, stderr);
    return Fail("unknown or incomplete argument: " + arg);
  }
  if (config_path.empty()) {
    std::fputs(kUsage, stderr);
    return Fail("--config is required");
  }
  std::ifstream in(config_path);
  if (!in) return Fail("cannot read config " + config_path);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (format.empty()) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    format = (first != std::string::npos && text[first] == '{') ? "json" : "awslogs";
  }
  const HostInfo host = HostInfo::Detect();
  std::string error;
  std::optional<AgentConfig> config;
  if (format == "json") {
    config = ParseJsonConfig(text, host, &error);
  } else if (format == "awslogs") {
    config = ParseAwslogsConfig(text, host, &error);
  } else {
    return Fail("--format must be awslogs or json");
  }
  if (!config) return Fail(config_path + ": " + error);
  for (const std::string& w : config->warnings) {
    std::fprintf(stderr, "cwlogd-agent: %s: %s\n", config_path.c_str(), w.c_str());
  }
  if (config->files.empty()) return Fail(config_path + ": no files to ship");

  ClientOptions client_options;
  client_options.endpoint = !endpoint.empty() ? endpoint : config->endpoint_override;
  for (const char* env : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* r = std::getenv(env);
    if (region.empty() && r != nullptr && *r != '\0') region = r;
  }
  if (region.empty()) region = config->region;
  client_options.region = region.empty() ? "us-east-1" : region;
  client_options.gzip = config->use_gzip;
  client_options.verify_tls = verify_tls;
  std::string where;
  auto credentials = LoadCredentials(&where);
  if (!credentials) {
    return Fail(
        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
        "write ~/.aws/credentials");
  }
  client_options.credentials = *credentials;

  if (state_path.empty()) state_path = config->state_file;
  if (state_path.empty()) state_path = config_path + ".state";
  if (check_only) {
    std::printf("config %s (%s): %zu file(s), %zu warning(s); endpoint %s, region %s, state %s\n",
                config_path.c_str(), format.c_str(), config->files.size(), config->warnings.size(),
                client_options.endpoint.empty() ? "AWS" : client_options.endpoint.c_str(),
                client_options.region.c_str(), state_path.c_str());
    for (const FileSpec& f : config->files) {
      std::printf("  %s -> %s / %s\n", f.file_glob.c_str(), f.log_group_name.c_str(),
                  f.log_stream_name.c_str());
    }
    return 0;
  }
  StateFile state(state_path);
  if (!state.Load(&error)) return Fail(error);

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  LogsClient client(client_options);
  Agent agent(std::move(*config), options, &client, &state, &g_stop);
  if (!agent.Init(&error)) return Fail(error);
  std::printf("cwlogd-agent %s shipping to %s (credentials: %s, state: %s)\n", CWLOGD_VERSION,
              client_options.endpoint.empty() ? "AWS" : client_options.endpoint.c_str(),
              where.c_str(), state_path.c_str());
  std::fflush(stdout);
  agent.Run();
  return 0;
}
