#include "agent/config_awslogs.h"

#include <charconv>
#include <initializer_list>
#include <set>

namespace cwlogd::agent {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ParseInt(std::string_view s, int64_t* out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ParseBool(std::string_view s, bool* out) {
  std::string v(s);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "true" || v == "yes" || v == "on" || v == "1") {
    *out = true;
    return true;
  }
  if (v == "false" || v == "no" || v == "off" || v == "0") {
    *out = false;
    return true;
  }
  return false;
}

// Concatenation without a temporary per `+`.
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

struct Section {
  std::string name;
  int line = 0;
  std::vector<std::pair<std::string, std::string>> keys;
};

}  // namespace

std::optional<AgentConfig> ParseAwslogsConfig(std::string_view text, const HostInfo& host,
                                              std::string* error) {
  std::vector<Section> sections;
  int line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        *error = "line " + std::to_string(line_no) + ": unterminated section header";
        return std::nullopt;
      }
      sections.push_back({std::string(Trim(line.substr(1, line.size() - 2))), line_no, {}});
      continue;
    }
    const size_t eq = line.find_first_of("=:");
    if (eq == std::string_view::npos) {
      *error = "line " + std::to_string(line_no) + ": expected 'key = value'";
      return std::nullopt;
    }
    if (sections.empty()) {
      *error = "line " + std::to_string(line_no) + ": key outside of a section";
      return std::nullopt;
    }
    sections.back().keys.emplace_back(std::string(Trim(line.substr(0, eq))),
                                      std::string(Trim(line.substr(eq + 1))));
  }

  AgentConfig config;
  for (const Section& s : sections) {
    const std::string where = "[" + s.name + "]";
    if (s.name == "general") {
      for (const auto& [key, value] : s.keys) {
        if (key == "state_file") {
          config.state_file = value;
        } else if (key == "use_gzip_http_content_encoding") {
          if (!ParseBool(value, &config.use_gzip)) {
            *error = Cat({where, " use_gzip_http_content_encoding: not a boolean: ", value});
            return std::nullopt;
          }
        } else if (key == "logging_config_file" || key == "queue_size") {
          config.warnings.push_back(
              Cat({where, " ", key, ": accepted but not used by cwlogd-agent"}));
        } else {
          config.warnings.push_back(Cat({where, " ", key, ": unknown key, ignored"}));
        }
      }
      continue;
    }
    FileSpec spec;
    spec.name = s.name;
    // awslogs' default: a line starting with whitespace continues the previous event.
    spec.multi_line_start_pattern = "^[^\\s]";
    std::set<std::string> seen;
    for (const auto& kv : s.keys) {
      const std::string& key = kv.first;
      const std::string& value = kv.second;
      seen.insert(key);
      int64_t n = 0;
      auto need_int = [&](int64_t lo, int64_t hi) {
        if (!ParseInt(value, &n) || n < lo || n > hi) {
          *error = Cat({where, " ", key, ": expected an integer in [", std::to_string(lo), ", ",
                        std::to_string(hi), "], got '", value, "'"});
          return false;
        }
        return true;
      };
      if (key == "file") {
        spec.file_glob = value;
      } else if (key == "log_group_name") {
        spec.log_group_name = SubstitutePlaceholders(value, host);
      } else if (key == "log_stream_name") {
        spec.log_stream_name = SubstitutePlaceholders(value, host);
      } else if (key == "datetime_format") {
        spec.datetime_format = value;
      } else if (key == "time_zone") {
        if (value == "UTC") {
          spec.utc = true;
        } else if (value == "LOCAL") {
          spec.utc = false;
        } else {
          *error = Cat({where, " time_zone: expected UTC or LOCAL, got '", value, "'"});
          return std::nullopt;
        }
      } else if (key == "initial_position") {
        if (value == "start_of_file") {
          spec.start_at_end = false;
        } else if (value == "end_of_file") {
          spec.start_at_end = true;
        } else {
          *error = Cat({where, " initial_position: expected start_of_file or end_of_file"});
          return std::nullopt;
        }
      } else if (key == "encoding") {
        spec.encoding = value;
      } else if (key == "buffer_duration") {
        if (!need_int(5000, 86400000)) return std::nullopt;
        spec.buffer_duration_ms = n;
      } else if (key == "batch_count") {
        if (!need_int(1, 10000)) return std::nullopt;
        spec.batch_count = static_cast<int>(n);
      } else if (key == "batch_size") {
        if (!need_int(1, 1048576)) return std::nullopt;
        spec.batch_size = static_cast<int>(n);
      } else if (key == "multi_line_start_pattern") {
        spec.multi_line_start_pattern = value;
      } else if (key == "file_fingerprint_lines") {
        const size_t dash = value.find('-');
        int64_t a = 0;
        int64_t b = 0;
        const bool ok = dash == std::string::npos
                            ? (ParseInt(value, &a) && (b = a) > 0)
                            : (ParseInt(std::string_view(value).substr(0, dash), &a) &&
                               ParseInt(std::string_view(value).substr(dash + 1), &b));
        if (!ok || a < 1 || b < a || b > 1000) {
          *error = Cat({where, " file_fingerprint_lines: expected N or N-M, got '", value, "'"});
          return std::nullopt;
        }
        spec.fingerprint_first_line = static_cast<int>(a);
        spec.fingerprint_last_line = static_cast<int>(b);
      } else {
        config.warnings.push_back(Cat({where, " ", key, ": unknown key, ignored"}));
      }
    }
    for (const char* required : {"file", "log_group_name", "log_stream_name"}) {
      if (!seen.contains(required)) {
        *error = Cat({where, ": missing required key ", required});
        return std::nullopt;
      }
    }
    config.files.push_back(std::move(spec));
  }
  return config;
}

}  // namespace cwlogd::agent
