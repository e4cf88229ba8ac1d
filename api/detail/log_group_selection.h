// How ListLogGroups and ListAggregateLogGroupSummaries select log groups: the
// logGroupNamePattern alternatives and the dataSources filters, and the data source a log group
// belongs to. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/request_reader.h"
#include "storage/log_store.h"

namespace cwlogd::api::detail {

// logGroupNamePattern (model `LogGroupNameRegexPattern`): 3-129 characters, up to 5
// alternatives separated by '|', each an optional '^' (prefix anchor) and 3-24 name characters.
// An alternative without '^' matches anywhere in the name.
extern const StringRule kLogGroupNameRegexPatternRule;

class LogGroupNamePattern {
 public:
  // nullopt when `text` breaks kLogGroupNameRegexPatternRule (the reader has reported it).
  static std::optional<LogGroupNamePattern> Parse(std::string_view text);
  bool Matches(std::string_view group_name) const;

 private:
  struct Alternative {
    bool anchored = false;
    std::string text;
  };
  std::vector<Alternative> alternatives_;
};

// A log group's data source. cwlogd has no AWS-vended sources and no pipelines, so the only
// source is AWS's custom one: the group's tags `cw:datasource:name` and `cw:datasource:type`
// (AWS's "Custom sources" page). A group without the name tag belongs to no data source.
struct DataSource {
  std::string name;
  std::optional<std::string> type;
  bool operator==(const DataSource&) const = default;
};
inline constexpr std::string_view kDataSourceNameTag = "cw:datasource:name";
inline constexpr std::string_view kDataSourceTypeTag = "cw:datasource:type";
std::optional<DataSource> DataSourceOf(const storage::LogGroupInfo& group);

// The `dataSources` member (model `DataSourceFilters`, 1-5 {name, type?}). As AWS documents:
// filters of one dimension combine with OR, the two dimensions with AND (a group matches when
// its name is one of the names and, if any filter gives a type, its type is one of the types).
class DataSourceFilters {
 public:
  // Reads and checks `dataSources`; an absent member selects every group.
  static DataSourceFilters Read(RequestReader& in);
  bool Selects(const storage::LogGroupInfo& group) const;
  // The filters as text, for binding a paging token to them.
  std::string Digest() const;

 private:
  std::vector<std::string> names_;
  std::vector<std::string> types_;
};

}  // namespace cwlogd::api::detail
