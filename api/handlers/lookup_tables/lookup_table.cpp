#include "api/handlers/lookup_tables/lookup_table.h"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "api/detail/arn.h"
#include "api/detail/resources.h"

namespace cwlogd::api::lookup_tables {
namespace {

bool IsTableName(std::string_view s) {
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

const StringRule kNameRule{1, 256, "^[a-zA-Z0-9_]+$", &IsTableName, false};
const StringRule kDescriptionRule{0, 1024, "", nullptr, false};
const StringRule kTableBodyRule{1, 10'485'760, "", nullptr, false};
const StringRule kKmsKeyRule{0, 256, "", nullptr, false};
const StringRule kArnRule{0, std::numeric_limits<size_t>::max(), "", nullptr, false};

std::string TableArn(const storage::Partition& p, std::string_view name) {
  return detail::LogsResourceArn(p, "lookup-table", name);
}

std::optional<std::string> NameFromArn(const storage::Partition& p, std::string_view arn) {
  return detail::NameFromLogsResourceArn(p, "lookup-table", arn);
}

ApiError TableNotFound() {
  return ApiError::ResourceNotFound("The specified lookup table does not exist.");
}

std::variant<storage::ResourceRecord, ApiError> FindTable(Context& ctx, std::string_view arn) {
  return detail::FindRecordByArn(ctx, storage::ResourceKind::kLookupTable, "lookup-table", arn,
                                 TableNotFound());
}

std::variant<CsvSummary, ApiError> SummarizeCsv(std::string_view body) {
  CsvSummary out;
  std::string field;
  bool in_quotes = false;
  bool header = true;
  bool row_has_data = false;
  auto end_row = [&] {
    if (header) {
      out.fields.push_back(std::move(field));
      header = false;
    } else if (row_has_data) {
      ++out.records;
    }
    field.clear();
    row_has_data = false;
  };
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < body.size() && body[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
      row_has_data = true;
    } else if (c == ',') {
      if (header) out.fields.push_back(std::move(field));
      field.clear();
      row_has_data = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ++i;
      end_row();
    } else {
      field.push_back(c);
      row_has_data = true;
    }
  }
  if (in_quotes) {
    return ApiError::Validation("The table body is not valid CSV: a quoted field is not closed.");
  }
  if (row_has_data || header) end_row();
  // Our texts: AWS's are not recorded.
  bool empty_name = false;
  for (const std::string& f : out.fields) empty_name = empty_name || f.empty();
  if (empty_name) {
    return ApiError::Validation(
        "The table body's first row must be a header row naming every column.");
  }
  return out;
}

void SetBody(storage::ResourceRecord* out, std::string_view body, const CsvSummary& summary) {
  out->fields["tableBody"] = std::string(body);
  out->fields["tableFields"] = nlohmann::json(summary.fields).dump();
  out->fields["recordsCount"] = std::to_string(summary.records);
}

nlohmann::json TableJson(const storage::Partition& p, const storage::ResourceRecord& r) {
  nlohmann::json out = {{"lookupTableArn", TableArn(p, r.name)}, {"lookupTableName", r.name}};
  if (const std::string* v = r.FindField("description")) out["description"] = *v;
  nlohmann::json fields = nlohmann::json::array();
  if (const std::string* v = r.FindField("tableFields")) {
    fields = nlohmann::json::parse(*v, nullptr, false);
    if (!fields.is_array()) fields = nlohmann::json::array();
  }
  out["tableFields"] = std::move(fields);
  if (r.FindField("recordsCount") != nullptr) out["recordsCount"] = r.IntField("recordsCount");
  const std::string* body = r.FindField("tableBody");
  out["sizeBytes"] = body != nullptr ? static_cast<int64_t>(body->size()) : 0;
  out["lastUpdatedTime"] = r.last_updated_ms;
  if (const std::string* v = r.FindField("kmsKeyId")) out["kmsKeyId"] = *v;
  return out;
}

}  // namespace cwlogd::api::lookup_tables
