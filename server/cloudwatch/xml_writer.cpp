#include "server/cloudwatch/xml_writer.h"

#include <cmath>

#include "api/detail/xml_text.h"
#include "server/cloudwatch/shapes.h"
#include "server/cloudwatch/timestamp.h"

namespace cwlogd::server::cloudwatch {
namespace {

using nlohmann::json;

std::string Number(const json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  }
  return v.dump();  // shortest round-trip text; doubles keep a ".0"
}

void Element(std::string& out, std::string_view name, const json& v, bool timestamp);

// Output members that are maps (keys are data, e.g. "PR(:300)", not element names): the query
// protocol writes them as <entry><key>..</key><value>..</value></entry>.
bool IsMapMember(std::string_view name) { return name == "ExtendedStatistics"; }

void MapElement(std::string& out, std::string_view name, const json& map) {
  out += '<';
  out += name;
  out += '>';
  for (const auto& [key, value] : map.items()) {
    out += "<entry><key>";
    out += api::detail::XmlEscape(key);
    out += "</key>";
    Element(out, "value", value, false);
    out += "</entry>";
  }
  out += "</";
  out += name;
  out += '>';
}

void Content(std::string& out, const json& v, bool timestamp) {
  switch (v.type()) {
    case json::value_t::object:
      for (const auto& [key, member] : v.items()) {
        if (IsMapMember(key) && member.is_object()) {
          MapElement(out, key, member);
          continue;
        }
        Element(out, key, member, IsTimestampMember(key));
      }
      break;
    case json::value_t::array:
      for (const auto& element : v) Element(out, "member", element, timestamp);
      break;
    case json::value_t::string:
      out += api::detail::XmlEscape(v.get_ref<const std::string&>());
      break;
    case json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      out += timestamp ? FormatIso8601(v.get<double>()) : Number(v);
      break;
    default:
      break;
  }
}

void Element(std::string& out, std::string_view name, const json& v, bool timestamp) {
  if (v.is_null()) return;
  out += '<';
  out += name;
  out += '>';
  Content(out, v, timestamp);
  out += "</";
  out += name;
  out += '>';
}

}  // namespace

std::string QueryResponseXml(std::string_view operation, const nlohmann::json& result,
                             bool has_output, std::string_view request_id) {
  std::string out = "<";
  out += operation;
  out += "Response xmlns=\"";
  out += kCloudWatchXmlNamespace;
  out += "\">\n";
  if (has_output) {
    out += "  <";
    out += operation;
    out += "Result>";
    Content(out, result, false);
    out += "</";
    out += operation;
    out += "Result>\n";
  }
  out += "  <ResponseMetadata>\n    <RequestId>";
  out += api::detail::XmlEscape(request_id);
  out += "</RequestId>\n  </ResponseMetadata>\n</";
  out += operation;
  out += "Response>\n";
  return out;
}

std::string QueryErrorXml(std::string_view type, std::string_view code, std::string_view message,
                          std::string_view request_id) {
  std::string out = "<ErrorResponse xmlns=\"";
  out += kCloudWatchXmlNamespace;
  out += "\">\n  <Error>\n    <Type>";
  out += api::detail::XmlEscape(type);
  out += "</Type>\n    <Code>";
  out += api::detail::XmlEscape(code);
  out += "</Code>\n    <Message>";
  out += api::detail::XmlEscape(message);
  out += "</Message>\n  </Error>\n  <RequestId>";
  out += api::detail::XmlEscape(request_id);
  out += "</RequestId>\n</ErrorResponse>\n";
  return out;
}

}  // namespace cwlogd::server::cloudwatch
