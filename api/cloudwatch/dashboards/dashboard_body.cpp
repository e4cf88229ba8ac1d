#include "api/cloudwatch/dashboards/dashboard_body.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "api/detail/request_body.h"

namespace cwlogd::api::cloudwatch::dashboards {
namespace {

using nlohmann::json;

constexpr size_t kMaxDepth = 64;
constexpr std::string_view kWidgetTypes[] = {"metric", "text",     "log",
                                             "alarm",  "explorer", "custom"};

class Checker {
 public:
  std::vector<ValidationMessage> out;

  void Add(std::string path, std::string message) {
    if (out.size() < kMaxValidationMessages) out.push_back({std::move(path), std::move(message)});
  }
  // The ajv-style messages CloudWatch answers with ("Should be integer").
  void Required(const json& object, std::string_view path, std::string_view name) {
    if (!object.contains(name)) {
      Add(std::string(path), "Should have required property '" + std::string(name) + "'");
    }
  }
  void IntegerRange(const json& object, const std::string& path, std::string_view name, int64_t min,
                    int64_t max) {
    auto it = object.find(name);
    if (it == object.end()) return;
    const std::string member = path + "/" + std::string(name);
    if (!it->is_number_integer() && !(it->is_number_float() && IsWhole(it->get<double>()))) {
      Add(member, "Should be integer");
      return;
    }
    const double v = it->get<double>();
    if (v < static_cast<double>(min)) {
      Add(member, "Should be >= " + std::to_string(min));
    } else if (v > static_cast<double>(max)) {
      Add(member, "Should be <= " + std::to_string(max));
    }
  }
  void Type(const json& object, const std::string& path, std::string_view name, json::value_t type,
            std::string_view type_name) {
    auto it = object.find(name);
    if (it != object.end() && it->type() != type) {
      Add(path + "/" + std::string(name), "Should be " + std::string(type_name));
    }
  }

 private:
  static bool IsWhole(double v) { return v == static_cast<double>(static_cast<int64_t>(v)); }
};

void CheckMetricProperties(Checker& c, const json& props, const std::string& path) {
  auto metrics = props.find("metrics");
  if (metrics == props.end()) {
    // A graph of annotations only is allowed, as is a metric search expression.
    if (!props.contains("annotations")) c.Required(props, path, "metrics");
    return;
  }
  if (!metrics->is_array()) {
    c.Add(path + "/metrics", "Should be array");
    return;
  }
  for (size_t i = 0; i < metrics->size(); ++i) {
    const json& m = (*metrics)[i];
    const std::string mpath = path + "/metrics/" + std::to_string(i);
    if (!m.is_array()) {
      c.Add(mpath, "Should be array");
      continue;
    }
    if (m.empty()) c.Add(mpath, "Should NOT have fewer than 1 items");
    for (size_t j = 0; j < m.size(); ++j) {
      const json& item = m[j];
      const bool last = j + 1 == m.size();
      if (item.is_string()) continue;
      if (last && item.is_object()) continue;  // rendering options
      c.Add(mpath + "/" + std::to_string(j),
            last ? "Should be string or object" : "Should be string");
    }
  }
  c.Type(props, path, "title", json::value_t::string, "string");
  c.Type(props, path, "stacked", json::value_t::boolean, "boolean");
  c.Type(props, path, "region", json::value_t::string, "string");
  auto view = props.find("view");
  if (view != props.end()) {
    static constexpr std::string_view kViews[] = {"timeSeries", "singleValue", "gauge",
                                                  "bar",        "pie",         "table"};
    bool ok = false;
    if (view->is_string()) {
      for (auto v : kViews) ok = ok || view->get_ref<const std::string&>() == v;
    }
    if (!ok) c.Add(path + "/view", "Should be equal to one of the allowed values");
  }
  auto period = props.find("period");
  if (period != props.end()) {
    if (!period->is_number_integer() || period->get<int64_t>() < 1) {
      c.Add(path + "/period", "Should be integer >= 1");
    } else if (period->get<int64_t>() % 60 != 0 &&
               !(period->get<int64_t>() == 1 || period->get<int64_t>() == 5 ||
                 period->get<int64_t>() == 10 || period->get<int64_t>() == 30)) {
      c.Add(path + "/period", "Should be 1, 5, 10, 30 or a multiple of 60");
    }
  }
}

void CheckWidget(Checker& c, const json& w, size_t index) {
  const std::string path = "/widgets/" + std::to_string(index);
  if (!w.is_object()) {
    c.Add(path, "Should be object");
    return;
  }
  c.Required(w, path, "type");
  auto type = w.find("type");
  std::string type_name;
  if (type != w.end()) {
    bool known = false;
    if (type->is_string()) {
      type_name = type->get<std::string>();
      for (auto t : kWidgetTypes) known = known || type_name == t;
    }
    if (!known) {
      c.Add(path + "/type", "Should be equal to one of the allowed values");
      type_name.clear();
    }
  }
  c.IntegerRange(w, path, "x", 0, 23);
  c.IntegerRange(w, path, "y", 0, 100000);  // [unsure] upper bound
  c.IntegerRange(w, path, "width", 1, 24);
  c.IntegerRange(w, path, "height", 1, 1000);
  if (type_name.empty()) return;
  auto props = w.find("properties");
  if (props == w.end()) {
    c.Required(w, path, "properties");
    return;
  }
  const std::string ppath = path + "/properties";
  if (!props->is_object()) {
    c.Add(ppath, "Should be object");
    return;
  }
  if (type_name == "metric") {
    CheckMetricProperties(c, *props, ppath);
  } else if (type_name == "text") {
    c.Required(*props, ppath, "markdown");
    c.Type(*props, ppath, "markdown", json::value_t::string, "string");
  } else if (type_name == "log") {
    c.Required(*props, ppath, "query");
    c.Type(*props, ppath, "query", json::value_t::string, "string");
  } else if (type_name == "alarm") {
    c.Required(*props, ppath, "alarms");
    c.Type(*props, ppath, "alarms", json::value_t::array, "array");
  }
}

}  // namespace

std::vector<ValidationMessage> ValidateDashboardBody(std::string_view body) {
  Checker c;
  if (body.size() > kMaxBodyBytes) {
    c.Add("", "The dashboard body must be at most " + std::to_string(kMaxBodyBytes) + " bytes");
    return std::move(c.out);
  }
  if (!api::detail::DepthWithin(body, kMaxDepth)) {
    c.Add("", "The dashboard body nests deeper than " + std::to_string(kMaxDepth) + " levels");
    return std::move(c.out);
  }
  std::optional<std::string> duplicate;  // a repeated member is not an error in a body
  const json doc = api::detail::ParseJson(body, &duplicate);
  if (doc.is_discarded()) {
    c.Add("", "Invalid JSON");  // [unsure] CloudWatch's exact text
    return std::move(c.out);
  }
  if (!doc.is_object()) {
    c.Add("", "Should be object");
    return std::move(c.out);
  }
  auto widgets = doc.find("widgets");
  if (widgets == doc.end()) {
    c.Required(doc, "", "widgets");
  } else if (!widgets->is_array()) {
    c.Add("/widgets", "Should be array");
  } else if (widgets->size() > kMaxWidgets) {
    c.Add("/widgets", "Should NOT have more than " + std::to_string(kMaxWidgets) + " items");
  } else {
    for (size_t i = 0; i < widgets->size(); ++i) CheckWidget(c, (*widgets)[i], i);
  }
  c.Type(doc, "", "start", json::value_t::string, "string");
  c.Type(doc, "", "end", json::value_t::string, "string");
  auto override = doc.find("periodOverride");
  if (override != doc.end() &&
      !(override->is_string() && (*override == "auto" || *override == "inherit"))) {
    c.Add("/periodOverride", "Should be equal to one of the allowed values");
  }
  return std::move(c.out);
}

bool IsValidDashboardName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace cwlogd::api::cloudwatch::dashboards
