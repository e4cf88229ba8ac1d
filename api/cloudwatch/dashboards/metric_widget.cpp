#include "api/cloudwatch/dashboards/metric_widget.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "api/cloudwatch/cloudwatch_api.h"
#include "api/cloudwatch/detail/reader.h"
#include "api/detail/request_body.h"

namespace cwlogd::api::cloudwatch::dashboards {
namespace {

using nlohmann::json;

ApiError Invalid(std::string msg) { return InvalidParameterValue(std::move(msg)); }

// A time of the widget: an ISO 8601 duration relative to now, or an ISO 8601 timestamp.
std::optional<int64_t> ParseTime(const json& v, int64_t now_ms) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (auto d = ParseIsoDuration(s)) return now_ms + *d;
  detail::Reader r;
  json holder = {{"T", s}};
  auto t = r.TimestampMillis(holder, "", "T", true);
  if (r.failed() || !t) return std::nullopt;
  return t;
}

std::optional<double> Number(const json& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  double v = it->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::string Text(const json& object, std::string_view name, std::string fallback = {}) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

std::optional<ApiError> ReadAxis(const json& axis, AxisRange* out, std::string_view which) {
  if (!axis.is_object()) return Invalid("yAxis." + std::string(which) + " must be an object.");
  out->min = Number(axis, "min");
  out->max = Number(axis, "max");
  out->label = Text(axis, "label");
  if (out->min && out->max && *out->min >= *out->max) {
    return Invalid("yAxis." + std::string(which) + ".min must be less than max.");
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ParseIsoDuration(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  if (i >= text.size() || text[i] != 'P') return std::nullopt;
  ++i;
  bool in_time = false;
  bool any = false;
  double total_ms = 0;
  while (i < text.size()) {
    if (text[i] == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start || i >= text.size() || i - start > 12) return std::nullopt;
    double n = std::strtod(std::string(text.substr(start, i - start)).c_str(), nullptr);
    double unit_ms = 0;
    switch (text[i]) {
      case 'W':
        unit_ms = in_time ? 0 : 7 * 86400e3;
        break;
      case 'D':
        unit_ms = in_time ? 0 : 86400e3;
        break;
      case 'H':
        unit_ms = in_time ? 3600e3 : 0;
        break;
      case 'M':
        unit_ms = in_time ? 60e3 : 30 * 86400e3;
        break;
      case 'S':
        unit_ms = in_time ? 1e3 : 0;
        break;
      case 'Y':
        unit_ms = in_time ? 0 : 365 * 86400e3;
        break;
      default:
        return std::nullopt;
    }
    if (unit_ms == 0) return std::nullopt;
    total_ms += n * unit_ms;
    any = true;
    ++i;
  }
  // At most ~ 500 years either way: keeps every later sum within int64.
  if (!any || total_ms > 1.6e13) return std::nullopt;
  return static_cast<int64_t>(negative ? -total_ms : total_ms);
}

std::optional<uint32_t> ParseColor(std::string_view text) {
  if (text.size() != 7 && text.size() != 4) return std::nullopt;
  if (text[0] != '#') return std::nullopt;
  uint32_t v = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    uint32_t d = 0;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    v = text.size() == 4 ? (v << 8) | (d << 4) | d : (v << 4) | d;
  }
  return v;
}

std::variant<MetricWidget, ApiError> ParseMetricWidget(std::string_view text, int64_t now_ms) {
  if (text.size() > kMaxWidgetBytes) {
    return Invalid("The parameter MetricWidget must be at most " + std::to_string(kMaxWidgetBytes) +
                   " bytes.");
  }
  if (!api::detail::DepthWithin(text, 32)) {
    return Invalid("The parameter MetricWidget nests too deeply.");
  }
  std::optional<std::string> duplicate;
  const json doc = api::detail::ParseJson(text, &duplicate);
  if (doc.is_discarded() || !doc.is_object()) {
    return Invalid("The parameter MetricWidget must be a JSON object.");
  }
  MetricWidget w;
  w.view = Text(doc, "view", "timeSeries");
  w.title = Text(doc, "title");
  if (auto it = doc.find("stacked"); it != doc.end() && it->is_boolean()) w.stacked = *it;
  for (auto [name, target] : {std::pair{"width", &w.width}, std::pair{"height", &w.height}}) {
    auto it = doc.find(name);
    if (it == doc.end()) continue;
    if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
        it->get<int64_t>() > kMaxImagePixels) {
      return Invalid(std::string("The widget ") + name + " must be an integer from 1 to " +
                     std::to_string(kMaxImagePixels) + ".");
    }
    *target = it->get<int>();
  }
  // Time range: default the last three hours.
  w.end_ms = now_ms;
  w.start_ms = now_ms - int64_t{3} * 3600 * 1000;
  if (auto it = doc.find("start"); it != doc.end()) {
    auto t = ParseTime(*it, now_ms);
    if (!t) return Invalid("The widget start must be an ISO 8601 duration (-PT3H) or time.");
    w.start_ms = *t;
  }
  if (auto it = doc.find("end"); it != doc.end()) {
    auto t = ParseTime(*it, now_ms);
    if (!t) return Invalid("The widget end must be an ISO 8601 duration (-PT3H) or time.");
    w.end_ms = *t;
  }
  if (w.start_ms >= w.end_ms) return Invalid("The widget start must be before its end.");
  // Widget-wide period and stat.
  int64_t period = 300;
  if (auto it = doc.find("period"); it != doc.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
        it->get<int64_t>() > int64_t{86400} * 366) {
      return Invalid("The widget period must be a positive integer of seconds.");
    }
    period = it->get<int64_t>();
  }
  detail::Statistic stat = detail::Statistic::kAverage;
  if (auto it = doc.find("stat"); it != doc.end()) {
    auto s = it->is_string() ? detail::ParseStatistic(it->get<std::string>()) : std::nullopt;
    if (!s) {
      return Invalid(
          "The widget stat must be one of SampleCount, Average, Sum, Minimum, "
          "Maximum.");
    }
    stat = *s;
  }
  if (auto it = doc.find("yAxis"); it != doc.end()) {
    if (!it->is_object()) return Invalid("The widget yAxis must be an object.");
    if (auto l = it->find("left"); l != it->end()) {
      if (auto e = ReadAxis(*l, &w.left, "left")) return *e;
    }
    if (auto r = it->find("right"); r != it->end()) {
      if (auto e = ReadAxis(*r, &w.right, "right")) return *e;
    }
  }
  if (auto it = doc.find("legend"); it != doc.end() && it->is_object()) {
    std::string pos = Text(*it, "position", "bottom");
    if (pos != "bottom" && pos != "right" && pos != "hidden") {
      return Invalid("The widget legend.position must be bottom, right or hidden.");
    }
    w.legend_position = pos;
  }
  if (auto it = doc.find("annotations"); it != doc.end() && it->is_object()) {
    if (auto h = it->find("horizontal"); h != it->end()) {
      if (!h->is_array() || h->size() > kMaxWidgetMetrics) {
        return Invalid("The widget annotations.horizontal must be an array.");
      }
      for (const json& a : *h) {
        if (!a.is_object()) return Invalid("Each horizontal annotation must be an object.");
        auto v = Number(a, "value");
        if (!v) return Invalid("Each horizontal annotation needs a numeric value.");
        HorizontalAnnotation ann;
        ann.value = *v;
        ann.label = Text(a, "label");
        if (auto c = a.find("color"); c != a.end() && c->is_string()) {
          ann.color = ParseColor(c->get<std::string>());
        }
        ann.right_axis = Text(a, "yAxis") == "right";
        w.horizontal.push_back(std::move(ann));
      }
    }
  }
  // Metrics, with the "." shorthand for "same as the row above".
  auto metrics = doc.find("metrics");
  if (metrics == doc.end() || !metrics->is_array()) {
    if (w.horizontal.empty()) return Invalid("The widget must have a metrics array.");
  } else {
    if (metrics->size() > kMaxWidgetMetrics) {
      return Invalid("The widget may have at most " + std::to_string(kMaxWidgetMetrics) +
                     " metrics.");
    }
    std::vector<std::string> previous;
    for (size_t i = 0; i < metrics->size(); ++i) {
      const json& row = (*metrics)[i];
      const std::string where = "metrics[" + std::to_string(i) + "]";
      if (!row.is_array() || row.empty())
        return Invalid("The widget " + where + " must be an array.");
      std::vector<std::string> items;
      const json* options = nullptr;
      for (size_t j = 0; j < row.size(); ++j) {
        if (row[j].is_object() && j + 1 == row.size()) {
          options = &row[j];
        } else if (row[j].is_string()) {
          std::string item = row[j].get<std::string>();
          if (item == ".") {
            if (j >= previous.size()) {
              return Invalid("The widget " + where +
                             " repeats (\".\") an item the row above "
                             "does not have.");
            }
            item = previous[j];
          }
          items.push_back(std::move(item));
        } else {
          return Invalid("The widget " + where +
                         " must hold strings and one final options "
                         "object.");
        }
      }
      if (items.empty()) continue;  // a math expression row ({"expression": ...}): not drawn
      previous = items;
      if (items.size() < 2 || items.size() % 2 != 0) {
        return Invalid("The widget " + where +
                       " must be [namespace, metricName, dimensionName, "
                       "dimensionValue, ...].");
      }
      WidgetMetric m;
      m.id.metric_namespace = items[0];
      m.id.metric_name = items[1];
      for (size_t k = 2; k + 1 < items.size(); k += 2) {
        m.id.dimensions.push_back({items[k], items[k + 1]});
      }
      storage::SortDimensions(m.id.dimensions);
      m.stat = stat;
      m.period_s = period;
      m.label = m.id.metric_name;
      if (options != nullptr) {
        if (auto s = options->find("stat"); s != options->end()) {
          auto parsed =
              s->is_string() ? detail::ParseStatistic(s->get<std::string>()) : std::nullopt;
          if (!parsed) return Invalid("The widget " + where + " has an unsupported stat.");
          m.stat = *parsed;
        }
        if (auto p = options->find("period"); p != options->end()) {
          if (!p->is_number_integer() || p->get<int64_t>() < 1 ||
              p->get<int64_t>() > int64_t{86400} * 366) {
            return Invalid("The widget " + where + " period must be a positive integer.");
          }
          m.period_s = p->get<int64_t>();
        }
        m.label = Text(*options, "label", m.label);
        if (auto c = options->find("color"); c != options->end() && c->is_string()) {
          m.color = ParseColor(c->get<std::string>());
        }
        if (auto v = options->find("visible"); v != options->end() && v->is_boolean()) {
          m.visible = *v;
        }
        m.right_axis = Text(*options, "yAxis") == "right";
      }
      w.metrics.push_back(std::move(m));
    }
  }
  return w;
}

}  // namespace cwlogd::api::cloudwatch::dashboards
