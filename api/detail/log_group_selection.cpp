#include "api/detail/log_group_selection.h"

#include <algorithm>

#include <fmt/format.h>

namespace cwlogd::api::detail {
namespace {

bool IsNameChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '/' || c == '#';
}

bool MatchesPatternRule(std::string_view s) { return LogGroupNamePattern::Parse(s).has_value(); }

std::string DescribeDataSourceFilter(const nlohmann::json& f) {
  auto member = [&f](const char* name) -> std::string {
    auto it = f.find(name);
    return it != f.end() && it->is_string() ? it->get<std::string>() : "null";
  };
  return fmt::format("DataSourceFilter(name={}, type={})", member("name"), member("type"));
}

const StringRule kDataSourceFieldRule{0, std::numeric_limits<size_t>::max(), "", nullptr, false};

}  // namespace

const StringRule kLogGroupNameRegexPatternRule{
    3, 129, R"((\^?[\.\-_\/#A-Za-z0-9]{3,24})(\|\^?[\.\-_\/#A-Za-z0-9]{3,24}){0,4})",
    &MatchesPatternRule, false};

std::optional<LogGroupNamePattern> LogGroupNamePattern::Parse(std::string_view text) {
  LogGroupNamePattern out;
  size_t start = 0;
  while (true) {
    size_t bar = text.find('|', start);
    std::string_view part =
        text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    Alternative alt;
    if (part.starts_with('^')) {
      alt.anchored = true;
      part.remove_prefix(1);
    }
    if (part.size() < 3 || part.size() > 24) return std::nullopt;
    if (!std::all_of(part.begin(), part.end(), [](char c) { return IsNameChar(c); })) {
      return std::nullopt;
    }
    alt.text = std::string(part);
    out.alternatives_.push_back(std::move(alt));
    if (out.alternatives_.size() > 5) return std::nullopt;
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

bool LogGroupNamePattern::Matches(std::string_view group_name) const {
  return std::any_of(alternatives_.begin(), alternatives_.end(), [&](const Alternative& alt) {
    return alt.anchored ? group_name.starts_with(alt.text)
                        : group_name.find(alt.text) != std::string_view::npos;
  });
}

std::optional<DataSource> DataSourceOf(const storage::LogGroupInfo& group) {
  auto name = group.tags.find(std::string(kDataSourceNameTag));
  if (name == group.tags.end() || name->second.empty()) return std::nullopt;
  DataSource out{name->second, std::nullopt};
  if (auto type = group.tags.find(std::string(kDataSourceTypeTag));
      type != group.tags.end() && !type->second.empty()) {
    out.type = type->second;
  }
  return out;
}

DataSourceFilters DataSourceFilters::Read(RequestReader& in) {
  DataSourceFilters out;
  const nlohmann::json* list =
      in.StructureList("dataSources", ListRule{1, 5}, &DescribeDataSourceFilter);
  if (list == nullptr) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string base = fmt::format("dataSources.{}.member.", i + 1);
    auto name = in.NestedString((*list)[i], base, "name", kDataSourceFieldRule, true);
    auto type = in.NestedString((*list)[i], base, "type", kDataSourceFieldRule, false);
    if (name) out.names_.push_back(std::move(*name));
    if (type) out.types_.push_back(std::move(*type));
  }
  return out;
}

bool DataSourceFilters::Selects(const storage::LogGroupInfo& group) const {
  if (names_.empty() && types_.empty()) return true;
  auto source = DataSourceOf(group);
  if (!source) return false;
  if (std::find(names_.begin(), names_.end(), source->name) == names_.end()) return false;
  if (types_.empty()) return true;
  return source->type && std::find(types_.begin(), types_.end(), *source->type) != types_.end();
}

std::string DataSourceFilters::Digest() const {
  std::string out;
  for (const auto& n : names_) out += "n=" + n + '\0';
  for (const auto& t : types_) out += "t=" + t + '\0';
  return out;
}

}  // namespace cwlogd::api::detail
