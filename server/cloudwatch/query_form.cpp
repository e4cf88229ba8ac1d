#include "server/cloudwatch/query_form.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <unordered_set>

#include "server/cloudwatch/timestamp.h"

namespace cwlogd::server::cloudwatch {
namespace {

using nlohmann::json;

// Highest list/map index accepted in a parameter name; far above every model limit.
constexpr uint64_t kMaxIndex = 100000;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

// Parameters regrouped along their dotted names, before types are applied.
struct Node {
  std::map<std::string, Node, std::less<>> children;  // structure members; map "key"/"value"
  std::map<uint64_t, Node> items;                     // list or map entries by 1-based index
  std::optional<std::string> scalar;
};

api::ApiError BadValue(std::string_view value, std::string_view path) {
  return {"InvalidParameterValueException",
          "Value '" + std::string(value) + "' for parameter " + std::string(path) + " is invalid.",
          400};
}

std::vector<std::string_view> SplitDots(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) {
      parts.push_back(name.substr(start));
      return parts;
    }
    parts.push_back(name.substr(start, dot - start));
    start = dot + 1;
  }
}

std::optional<uint64_t> ParseIndex(std::string_view s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v == 0 || v > kMaxIndex) {
    return std::nullopt;
  }
  return v;
}

api::ApiError Repeated(std::string_view name) {
  return {"InvalidQueryParameter",
          "The parameter " + std::string(name) + " is given more than once.", 400};
}

enum class Placed { kPlaced, kIgnored, kRepeated };

// Places one parameter in the tree: kIgnored when its name does not fit the shape, kRepeated
// when an earlier parameter spelt differently (`member.01` and `member.1`) took its place.
Placed Place(Node& root, const Shape& input, std::string_view name, std::string value) {
  const auto parts = SplitDots(name);
  Node* node = &root;
  const Shape* shape = &input;
  size_t i = 0;
  while (i < parts.size()) {
    switch (shape->kind) {
      case ShapeKind::kStructure: {
        const Shape* next = nullptr;
        for (const auto& m : shape->members) {
          if (m.name == parts[i]) next = m.shape;
        }
        if (next == nullptr) return Placed::kIgnored;
        node = &node->children[std::string(parts[i])];
        shape = next;
        ++i;
        break;
      }
      case ShapeKind::kList: {
        if (parts[i] != "member" || i + 1 >= parts.size()) return Placed::kIgnored;
        auto index = ParseIndex(parts[i + 1]);
        if (!index) return Placed::kIgnored;
        node = &node->items[*index];
        shape = shape->element;
        i += 2;
        break;
      }
      case ShapeKind::kMap: {
        if (parts[i] != "entry" || i + 2 >= parts.size()) return Placed::kIgnored;
        auto index = ParseIndex(parts[i + 1]);
        if (!index || (parts[i + 2] != "key" && parts[i + 2] != "value")) return Placed::kIgnored;
        Node& entry = node->items[*index];
        node = &entry.children[std::string(parts[i + 2])];
        shape = parts[i + 2] == "key" ? nullptr : shape->element;
        i += 3;
        if (shape == nullptr) {  // a key is a string and must end the name
          if (i != parts.size()) return Placed::kIgnored;
          if (node->scalar) return Placed::kRepeated;
          node->scalar = std::move(value);
          return Placed::kPlaced;
        }
        break;
      }
      default:
        return Placed::kIgnored;  // a scalar cannot have sub-parameters
    }
  }
  // The name ended: scalars take the value; an aggregate given `Name=` is explicitly empty.
  if (node->scalar) return Placed::kRepeated;
  node->scalar = std::move(value);
  return Placed::kPlaced;
}

std::optional<api::ApiError> Convert(const Node& node, const Shape& shape, const std::string& path,
                                     json* out) {
  switch (shape.kind) {
    case ShapeKind::kString:
      *out = node.scalar.value_or("");
      return std::nullopt;
    case ShapeKind::kInteger: {
      const std::string& s = *node.scalar;
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || ptr != s.data() + s.size()) return BadValue(s, path);
      *out = v;
      return std::nullopt;
    }
    case ShapeKind::kDouble: {
      const std::string& s = *node.scalar;
      // botocore writes str(float): also "nan", "inf", "-inf"; the handlers reject those.
      if (s == "nan" || s == "NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
        return std::nullopt;
      }
      if (s == "inf" || s == "Infinity") {
        *out = std::numeric_limits<double>::infinity();
        return std::nullopt;
      }
      if (s == "-inf" || s == "-Infinity") {
        *out = -std::numeric_limits<double>::infinity();
        return std::nullopt;
      }
      double v = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || ptr != s.data() + s.size()) return BadValue(s, path);
      *out = v;
      return std::nullopt;
    }
    case ShapeKind::kBoolean: {
      const std::string& s = *node.scalar;
      if (s == "true") {
        *out = true;
      } else if (s == "false") {
        *out = false;
      } else {
        return BadValue(s, path);
      }
      return std::nullopt;
    }
    case ShapeKind::kTimestamp: {
      auto seconds = ParseTimestamp(*node.scalar);
      if (!seconds) return BadValue(*node.scalar, path);
      *out = *seconds;
      return std::nullopt;
    }
    case ShapeKind::kList: {
      *out = json::array();
      for (const auto& [index, item] : node.items) {
        json element;
        if (!item.scalar && item.children.empty() && item.items.empty()) continue;
        if (item.scalar == std::nullopt && shape.element->kind != ShapeKind::kStructure &&
            shape.element->kind != ShapeKind::kList && shape.element->kind != ShapeKind::kMap) {
          continue;
        }
        if (auto e = Convert(item, *shape.element, path + ".member." + std::to_string(index),
                             &element)) {
          return e;
        }
        out->push_back(std::move(element));
      }
      return std::nullopt;
    }
    case ShapeKind::kMap: {
      *out = json::object();
      for (const auto& [index, entry] : node.items) {
        auto key = entry.children.find("key");
        auto value = entry.children.find("value");
        if (key == entry.children.end() || !key->second.scalar) continue;
        // Two entries with one key are the query form of a JSON map naming a key twice.
        if (out->contains(*key->second.scalar)) {
          return api::ApiError{
              "InvalidQueryParameter",
              "The map " + path + " gives the key '" + *key->second.scalar + "' more than once.",
              400};
        }
        json v = "";
        if (value != entry.children.end()) {
          if (auto e = Convert(value->second, *shape.element,
                               path + ".entry." + std::to_string(index) + ".value", &v)) {
            return e;
          }
        }
        (*out)[*key->second.scalar] = std::move(v);
      }
      return std::nullopt;
    }
    case ShapeKind::kStructure: {
      *out = json::object();
      for (const auto& m : shape.members) {
        auto it = node.children.find(m.name);
        if (it == node.children.end()) continue;
        const Node& child = it->second;
        const bool scalar_kind = m.shape->kind != ShapeKind::kStructure &&
                                 m.shape->kind != ShapeKind::kList &&
                                 m.shape->kind != ShapeKind::kMap;
        if (scalar_kind && !child.scalar) continue;
        json value;
        const std::string child_path =
            path.empty() ? std::string(m.name) : path + "." + std::string(m.name);
        if (auto e = Convert(child, *m.shape, child_path, &value)) return e;
        (*out)[std::string(m.name)] = std::move(value);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<FormParams> ParseForm(std::string_view text) {
  FormParams params;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      std::string name, value;
      if (!PercentDecode(pair.substr(0, eq), &name)) return std::nullopt;
      if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), &value)) {
        return std::nullopt;
      }
      params.emplace_back(std::move(name), std::move(value));
    }
    start = end + 1;
  }
  return params;
}

std::optional<std::string_view> FindParam(const FormParams& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<api::ApiError> CheckRepeatedParams(const FormParams& params) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (!seen.insert(name).second) return Repeated(name);
  }
  return std::nullopt;
}

std::variant<nlohmann::json, api::ApiError> DecodeQueryInput(const FormParams& params,
                                                             const Shape& input) {
  if (auto e = CheckRepeatedParams(params)) return *e;
  Node root;
  for (const auto& [name, value] : params) {
    if (name == "Action" || name == "Version") continue;
    // Unknown parameters are ignored, as AWS does.
    if (Place(root, input, name, value) == Placed::kRepeated) return Repeated(name);
  }
  json out;
  if (auto e = Convert(root, input, "", &out)) return *e;
  return out;
}

}  // namespace cwlogd::server::cloudwatch
