#include "agent/config_json.h"

#include <nlohmann/json.hpp>

namespace cwlogd::agent {
namespace {

using nlohmann::json;

// Reads typed members of one JSON object; unknown members become warnings, the first type
// error is kept.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path, AgentConfig* config)
      : object_(object), path_(std::move(path)), config_(config) {}

  const json* Get(const char* key, json::value_t type) {
    used_.emplace_back(key);
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    const bool ok =
        it->type() == type || (type == json::value_t::number_integer && it->is_number_integer());
    if (!ok) {
      if (error_.empty()) error_ = path_ + "." + key + ": wrong type";
      return nullptr;
    }
    return &*it;
  }
  std::optional<std::string> String(const char* key) {
    const json* v = Get(key, json::value_t::string);
    if (v == nullptr) return std::nullopt;
    return v->get<std::string>();
  }
  std::optional<int64_t> Int(const char* key) {
    const json* v = Get(key, json::value_t::number_integer);
    if (v == nullptr) return std::nullopt;
    return v->get<int64_t>();
  }
  std::optional<bool> Bool(const char* key) {
    const json* v = Get(key, json::value_t::boolean);
    if (v == nullptr) return std::nullopt;
    return v->get<bool>();
  }
  // Reports members nobody asked for.
  void Finish() {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      bool known = false;
      for (const std::string& k : used_) known = known || k == it.key();
      if (!known) config_->warnings.push_back(path_ + "." + it.key() + ": unknown key, ignored");
    }
  }
  const std::string& error() const { return error_; }
  void Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  const std::string& path() const { return path_; }

 private:
  const json& object_;
  std::string path_;
  AgentConfig* config_;
  std::vector<std::string> used_;
  std::string error_;
};

}  // namespace

std::optional<AgentConfig> ParseJsonConfig(std::string_view text, const HostInfo& host,
                                           std::string* error) {
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    *error = "the config is not a JSON object";
    return std::nullopt;
  }
  AgentConfig config;
  ObjectReader top(root, "$", &config);
  std::string stream_default = "{instance_id}";
  int64_t flush_s = 5;
  if (const json* agent = top.Get("agent", json::value_t::object)) {
    ObjectReader a(*agent, "$.agent", &config);
    if (auto region = a.String("region")) config.region = *region;
    a.Finish();
    if (!a.error().empty()) top.Fail(a.error());
  }
  for (const char* section : {"metrics", "traces"}) {
    if (root.contains(section)) {
      top.Get(section, root[section].type());
      config.warnings.push_back(std::string("$.") + section +
                                ": section not implemented by cwlogd-agent, ignored");
    }
  }
  const json* logs = top.Get("logs", json::value_t::object);
  top.Finish();
  if (logs == nullptr) {
    *error = top.error().empty() ? "$.logs: missing" : top.error();
    return std::nullopt;
  }
  ObjectReader l(*logs, "$.logs", &config);
  if (auto s = l.String("log_stream_name")) stream_default = *s;
  if (auto f = l.Int("force_flush_interval")) flush_s = *f;
  if (auto e = l.String("endpoint_override")) config.endpoint_override = *e;
  if (flush_s < 1 || flush_s > 86400)
    l.Fail("$.logs.force_flush_interval: out of range [1, 86400]");
  const json* collected = l.Get("logs_collected", json::value_t::object);
  if (collected != nullptr) {
    ObjectReader c(*collected, "$.logs.logs_collected", &config);
    const json* files = c.Get("files", json::value_t::object);
    c.Finish();
    if (!c.error().empty()) l.Fail(c.error());
    if (files != nullptr) {
      ObjectReader fr(*files, "$.logs.logs_collected.files", &config);
      const json* list = fr.Get("collect_list", json::value_t::array);
      fr.Finish();
      if (!fr.error().empty()) l.Fail(fr.error());
      for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
        const std::string path =
            "$.logs.logs_collected.files.collect_list[" + std::to_string(i) + "]";
        if (!(*list)[i].is_object()) {
          l.Fail(path + ": not an object");
          break;
        }
        ObjectReader e((*list)[i], path, &config);
        FileSpec spec;
        spec.name = path;
        spec.buffer_duration_ms = flush_s * 1000;
        auto file_path = e.String("file_path");
        if (!file_path) e.Fail(path + ".file_path: missing");
        spec.file_glob = file_path.value_or("");
        // The CloudWatch agent's default group is the file path itself.
        spec.log_group_name =
            SubstitutePlaceholders(e.String("log_group_name").value_or(spec.file_glob), host);
        spec.log_stream_name =
            SubstitutePlaceholders(e.String("log_stream_name").value_or(stream_default), host);
        spec.datetime_format = e.String("timestamp_format").value_or("");
        if (auto tz = e.String("timezone")) {
          if (*tz == "UTC") {
            spec.utc = true;
          } else if (*tz != "Local" && *tz != "LOCAL") {
            e.Fail(path + ".timezone: expected \"UTC\" or \"Local\"");
          }
        }
        spec.multi_line_start_pattern = e.String("multi_line_start_pattern").value_or("");
        spec.encoding = e.String("encoding").value_or("utf-8");
        if (auto days = e.Int("retention_in_days"))
          spec.retention_in_days = static_cast<int>(*days);
        if (auto removal = e.Bool("auto_removal")) spec.auto_removal = *removal;
        if (auto pos = e.String("initial_position")) spec.start_at_end = *pos == "end_of_file";
        if (const json* filters = e.Get("filters", json::value_t::array)) {
          for (size_t k = 0; k < filters->size(); ++k) {
            const std::string fpath = path + ".filters[" + std::to_string(k) + "]";
            if (!(*filters)[k].is_object()) {
              e.Fail(fpath + ": not an object");
              break;
            }
            ObjectReader fo((*filters)[k], fpath, &config);
            const auto type = fo.String("type");
            const auto expr = fo.String("expression");
            fo.Finish();
            if (!fo.error().empty()) e.Fail(fo.error());
            if (!type || (*type != "include" && *type != "exclude") || !expr) {
              e.Fail(fpath + ": needs type include|exclude and an expression");
              break;
            }
            spec.filters.push_back({*type == "include", *expr});
          }
        }
        e.Finish();
        if (!e.error().empty()) l.Fail(e.error());
        config.files.push_back(std::move(spec));
      }
    }
  }
  l.Finish();
  if (!l.error().empty() || !top.error().empty()) {
    *error = !l.error().empty() ? l.error() : top.error();
    return std::nullopt;
  }
  return config;
}

}  // namespace cwlogd::agent
