// What the agent ships, whichever config format it came from (awslogs.conf or the CloudWatch
// agent's JSON). Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cwlogd::agent {

// One include/exclude filter of the CloudWatch agent JSON (`filters`).
struct LineFilter {
  bool include = true;     // "include" or "exclude"
  std::string expression;  // RE2 regular expression, searched in the event
};

// One followed file (an awslogs section or a collect_list entry).
struct FileSpec {
  std::string name;             // section name or "collect_list[i]"
  std::string file_glob;        // path, may hold * ? [..] wildcards
  std::string log_group_name;   // placeholders already substituted
  std::string log_stream_name;  // placeholders already substituted
  std::string datetime_format;  // empty: every event gets the read time
  bool utc = false;             // time_zone = UTC / timezone = "UTC". Default: local
  bool start_at_end = false;    // initial_position = end_of_file. Default: start_of_file
  std::string encoding = "utf-8";
  int64_t buffer_duration_ms = 5000;  // flush interval. Default: 5000 ms
  int batch_count = 10000;            // events per PutLogEvents. Default (and cap): 10,000
  int batch_size = 1048576;           // bytes per PutLogEvents. Default (and cap): 1,048,576
  // Regex of a line that opens a new event ({datetime_format} = has a timestamp). Empty: each
  // line is an event.
  std::string multi_line_start_pattern;
  int fingerprint_first_line = 1;  // file_fingerprint_lines "a-b". Default: line 1
  int fingerprint_last_line = 1;
  std::optional<int> retention_in_days;
  std::vector<LineFilter> filters;
  bool auto_removal = false;  // delete a fully shipped file once a newer one matches
};

struct AgentConfig {
  std::string state_file;  // Default: <config path>.state
  bool use_gzip = false;   // use_gzip_http_content_encoding
  std::string endpoint_override;
  std::string region;
  std::vector<FileSpec> files;
  // Keys the agent does not use, each with where it was (reported at start).
  std::vector<std::string> warnings;
};

// Values for the placeholders {instance_id}, {hostname}, {local_hostname}, {ip_address}.
struct HostInfo {
  std::string instance_id;
  std::string hostname;
  std::string ip_address;
  static HostInfo Detect();
};

// Replaces the placeholders in `text`; an unknown {name} is left as it is.
std::string SubstitutePlaceholders(const std::string& text, const HostInfo& host);

}  // namespace cwlogd::agent
