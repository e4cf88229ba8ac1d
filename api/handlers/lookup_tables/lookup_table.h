// Lookup tables (Create/Get/Describe/Update/DeleteLookupTable): the model's rules, the table's
// ARN, the CSV checks and the record's fields. A table is a resource record of kind
// kLookupTable named by lookupTableName; its CSV body is stored whole, with its header fields and
// row count worked out once on write. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "api/request_reader.h"
#include "storage/resource_store.h"

namespace cwlogd::api::lookup_tables {

// Model `LookupTableName`: 1-256, ^[a-zA-Z0-9_]+$
extern const StringRule kNameRule;
// Model `LookupTableDescription`: 0-1024
extern const StringRule kDescriptionRule;
// Model `TableBody`: 1-10485760
extern const StringRule kTableBodyRule;
// Model `KmsKeyId`: <= 256
extern const StringRule kKmsKeyRule;
// Model `Arn`: no constraint
extern const StringRule kArnRule;

// arn:<partition>:logs:<region>:<account>:lookup-table:<name> (our form: AWS's is not recorded)
std::string TableArn(const storage::Partition& p, std::string_view name);

// The table the ARN names: its record, or ResourceNotFoundException.
std::variant<storage::ResourceRecord, ApiError> FindTable(Context& ctx, std::string_view arn);
// The table name `arn` names when it is a lookup-table ARN of the caller's partition.
std::optional<std::string> NameFromArn(const storage::Partition& p, std::string_view arn);
ApiError TableNotFound();

// The CSV body's header fields and data rows (RFC 4180: quoted fields may hold commas, quotes
// and line breaks), or ValidationException when the header is empty or a quote is unclosed.
struct CsvSummary {
  std::vector<std::string> fields;
  int64_t records = 0;
};
std::variant<CsvSummary, ApiError> SummarizeCsv(std::string_view body);

// Stores the body and its summary in the record's fields.
void SetBody(storage::ResourceRecord* out, std::string_view body, const CsvSummary& summary);

// A DescribeLookupTables element (no body).
nlohmann::json TableJson(const storage::Partition& p, const storage::ResourceRecord& r);

}  // namespace cwlogd::api::lookup_tables
