#include "agent/config_awslogs.h"
#include "agent/config_json.h"
#include "tests/catch2.h"

using namespace cwlogd::agent;

namespace {

HostInfo TestHost() {
  HostInfo h;
  h.instance_id = "i-0123456789abcdef0";
  h.hostname = "web-1";
  h.ip_address = "10.0.0.7";
  return h;
}

bool HasWarning(const AgentConfig& c, const std::string& needle) {
  for (const auto& w : c.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("awslogs.conf: the documented seed config is read verbatim", "[agent][config]") {
  const std::string text = R"([general]
state_file = /var/lib/awslogs/agent-state
use_gzip_http_content_encoding = true

[/var/log/messages]
datetime_format = %b %d %H:%M:%S
file = /var/log/messages
buffer_duration = 5000
log_stream_name = {instance_id}
initial_position = start_of_file
log_group_name = /var/log/messages

[httpd_access]
file = /var/log/httpd/access_log*
log_group_name = httpd-{hostname}
log_stream_name = {ip_address}-access
datetime_format = %d/%b/%Y:%H:%M:%S
time_zone = UTC
initial_position = end_of_file
encoding = latin-1
batch_count = 500
batch_size = 32768
multi_line_start_pattern = {datetime_format}
file_fingerprint_lines = 1-3
)";
  std::string error;
  auto c = ParseAwslogsConfig(text, TestHost(), &error);
  REQUIRE(c.has_value());
  REQUIRE(c->state_file == "/var/lib/awslogs/agent-state");
  REQUIRE(c->use_gzip);
  REQUIRE(c->warnings.empty());
  REQUIRE(c->files.size() == 2);
  const FileSpec& m = c->files[0];
  REQUIRE(m.file_glob == "/var/log/messages");
  REQUIRE(m.log_stream_name == "i-0123456789abcdef0");
  REQUIRE(m.datetime_format == "%b %d %H:%M:%S");
  REQUIRE(m.buffer_duration_ms == 5000);
  REQUIRE_FALSE(m.start_at_end);
  REQUIRE_FALSE(m.utc);
  REQUIRE(m.multi_line_start_pattern == "^[^\\s]");  // awslogs' default
  const FileSpec& h = c->files[1];
  REQUIRE(h.file_glob == "/var/log/httpd/access_log*");
  REQUIRE(h.log_group_name == "httpd-web-1");
  REQUIRE(h.log_stream_name == "10.0.0.7-access");
  REQUIRE(h.utc);
  REQUIRE(h.start_at_end);
  REQUIRE(h.encoding == "latin-1");
  REQUIRE(h.batch_count == 500);
  REQUIRE(h.batch_size == 32768);
  REQUIRE(h.multi_line_start_pattern == "{datetime_format}");
  REQUIRE(h.fingerprint_first_line == 1);
  REQUIRE(h.fingerprint_last_line == 3);
}

TEST_CASE("awslogs.conf: unknown keys are reported, bad values refused", "[agent][config]") {
  std::string error;
  auto c = ParseAwslogsConfig(
      "[general]\nstate_file=/s\nfrobnicate = 1\n[x]\nfile=/a\nlog_group_name=g\n"
      "log_stream_name=s\nsurprise = yes\n",
      TestHost(), &error);
  REQUIRE(c.has_value());
  REQUIRE(HasWarning(*c, "[general] frobnicate"));
  REQUIRE(HasWarning(*c, "[x] surprise"));

  REQUIRE_FALSE(ParseAwslogsConfig("[x]\nfile=/a\nlog_group_name=g\n", TestHost(), &error));
  REQUIRE_THAT(error, ContainsSubstring("log_stream_name"));
  REQUIRE_FALSE(
      ParseAwslogsConfig("[x]\nfile=/a\nlog_group_name=g\nlog_stream_name=s\n"
                         "batch_count=10001\n",
                         TestHost(), &error));
  REQUIRE_THAT(error, ContainsSubstring("batch_count"));
  REQUIRE_FALSE(
      ParseAwslogsConfig("[x]\nfile=/a\nlog_group_name=g\nlog_stream_name=s\n"
                         "time_zone=PST\n",
                         TestHost(), &error));
  REQUIRE_FALSE(ParseAwslogsConfig("key_before_section = 1\n", TestHost(), &error));
}

TEST_CASE("CloudWatch agent JSON: the logs section is read verbatim", "[agent][config]") {
  const std::string text = R"({
  "agent": {"metrics_collection_interval": 60, "run_as_user": "cwagent"},
  "metrics": {"metrics_collected": {"mem": {"measurement": ["mem_used_percent"]}}},
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          {
            "file_path": "/opt/app/log/app-*.log",
            "log_group_name": "app-{hostname}",
            "log_stream_name": "{instance_id}-app",
            "timestamp_format": "%Y-%m-%d %H:%M:%S",
            "timezone": "UTC",
            "multi_line_start_pattern": "{timestamp_format}",
            "encoding": "utf-8",
            "retention_in_days": 14,
            "filters": [
              {"type": "exclude", "expression": "DEBUG"},
              {"type": "include", "expression": "ERROR|WARN|INFO"}
            ],
            "auto_removal": true
          },
          {"file_path": "/var/log/syslog"}
        ]
      }
    },
    "log_stream_name": "default-{hostname}",
    "force_flush_interval": 2,
    "endpoint_override": "http://127.0.0.1:4588"
  }
})";
  std::string error;
  auto c = ParseJsonConfig(text, TestHost(), &error);
  REQUIRE(c.has_value());
  REQUIRE(c->endpoint_override == "http://127.0.0.1:4588");
  REQUIRE(c->files.size() == 2);
  const FileSpec& a = c->files[0];
  REQUIRE(a.file_glob == "/opt/app/log/app-*.log");
  REQUIRE(a.log_group_name == "app-web-1");
  REQUIRE(a.log_stream_name == "i-0123456789abcdef0-app");
  REQUIRE(a.datetime_format == "%Y-%m-%d %H:%M:%S");
  REQUIRE(a.utc);
  REQUIRE(a.multi_line_start_pattern == "{timestamp_format}");
  REQUIRE(a.retention_in_days == 14);
  REQUIRE(a.filters.size() == 2);
  REQUIRE_FALSE(a.filters[0].include);
  REQUIRE(a.filters[1].expression == "ERROR|WARN|INFO");
  REQUIRE(a.auto_removal);
  REQUIRE(a.buffer_duration_ms == 2000);
  const FileSpec& s = c->files[1];
  REQUIRE(s.log_group_name == "/var/log/syslog");
  REQUIRE(s.log_stream_name == "default-web-1");
  REQUIRE(s.multi_line_start_pattern.empty());
  // Keys the agent does not use are named, not dropped.
  REQUIRE(HasWarning(*c, "$.agent.metrics_collection_interval"));
  REQUIRE(HasWarning(*c, "$.agent.run_as_user"));
  REQUIRE(HasWarning(*c, "$.metrics"));
}

TEST_CASE("CloudWatch agent JSON: unknown keys are reported, type errors refused",
          "[agent][config]") {
  std::string error;
  auto c = ParseJsonConfig(
      R"({"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"/a","colour":"red"}]}},
          "mystery":1}})",
      TestHost(), &error);
  REQUIRE(c.has_value());
  REQUIRE(HasWarning(*c, "collect_list[0].colour"));
  REQUIRE(HasWarning(*c, "$.logs.mystery"));

  REQUIRE_FALSE(ParseJsonConfig(R"({"logs":{"force_flush_interval":"5"}})", TestHost(), &error));
  REQUIRE_THAT(error, ContainsSubstring("force_flush_interval"));
  REQUIRE_FALSE(ParseJsonConfig(
      R"({"logs":{"logs_collected":{"files":{"collect_list":[{"log_group_name":"g"}]}}}})",
      TestHost(), &error));
  REQUIRE_THAT(error, ContainsSubstring("file_path"));
  REQUIRE_FALSE(ParseJsonConfig("[1,2]", TestHost(), &error));
  REQUIRE_FALSE(ParseJsonConfig("{\"logs\":", TestHost(), &error));
}
