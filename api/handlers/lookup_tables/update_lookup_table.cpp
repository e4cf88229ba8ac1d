// UpdateLookupTable: replaces a table's CSV body (and its description or KMS key when given;
// an empty kmsKeyId removes the key).
#include <string>

#include "api/detail/resources.h"
#include "api/handlers/export_handlers.h"
#include "api/handlers/lookup_tables/lookup_table.h"

namespace cwlogd::api {

ApiResult HandleUpdateLookupTable(const nlohmann::json& request, Context& ctx) {
  namespace lt = lookup_tables;
  RequestReader in(request);
  auto arn = in.String("lookupTableArn", lt::kArnRule, true);
  auto description = in.String("description", lt::kDescriptionRule);
  auto body = in.String("tableBody", lt::kTableBodyRule, true);
  auto kms = in.String("kmsKeyId", lt::kKmsKeyRule);
  if (in.failed()) return in.error();
  auto summary = lt::SummarizeCsv(*body);
  if (auto* e = std::get_if<ApiError>(&summary)) return *e;
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto name = lt::NameFromArn(ctx.partition, *arn);
  if (!name) return lt::TableNotFound();
  const int64_t now = ctx.clock.NowMillis();
  bool missing = false;
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kLookupTable, *name, now, {},
                    [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
                      missing = current == nullptr;
                      if (missing)
                        return storage::Status::NotFound(storage::Status::Resource::kResource);
                      *out = *current;
                      if (description) out->fields["description"] = *description;
                      if (kms && kms->empty()) out->fields.erase("kmsKeyId");
                      if (kms && !kms->empty()) out->fields["kmsKeyId"] = *kms;
                      lt::SetBody(out, *body, std::get<lt::CsvSummary>(summary));
                      return storage::Status::OK();
                    });
  if (missing) return lt::TableNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"lookupTableArn", *arn}, {"lastUpdatedTime", now}};
}

}  // namespace cwlogd::api
