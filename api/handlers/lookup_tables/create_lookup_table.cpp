// CreateLookupTable: stores a named CSV table (the name is unique in the account and region).
#include <string>

#include "api/detail/resources.h"
#include "api/detail/tags.h"
#include "api/handlers/export_handlers.h"
#include "api/handlers/lookup_tables/lookup_table.h"

namespace cwlogd::api {

ApiResult HandleCreateLookupTable(const nlohmann::json& request, Context& ctx) {
  namespace lt = lookup_tables;
  RequestReader in(request);
  auto name = in.String("lookupTableName", lt::kNameRule, true);
  auto description = in.String("description", lt::kDescriptionRule);
  auto body = in.String("tableBody", lt::kTableBodyRule, true);
  auto kms = in.String("kmsKeyId", lt::kKmsKeyRule);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule);
  if (in.failed()) return in.error();
  if (tags) {
    if (auto e = detail::CheckTagKeys(*tags)) return *e;
  }
  auto summary = lt::SummarizeCsv(*body);
  if (auto* e = std::get_if<ApiError>(&summary)) return *e;
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  const int64_t now = ctx.clock.NowMillis();
  bool exists = false;
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kLookupTable, *name, now, {},
                    [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
                      exists = current != nullptr;
                      if (exists)
                        return storage::Status::AlreadyExists(storage::Status::Resource::kResource);
                      if (description) out->fields["description"] = *description;
                      if (kms && !kms->empty()) out->fields["kmsKeyId"] = *kms;
                      lt::SetBody(out, *body, std::get<lt::CsvSummary>(summary));
                      if (tags) out->tags = *tags;
                      return storage::Status::OK();
                    });
  if (exists) {
    // Our text: AWS's is not recorded.
    return ApiError::ResourceAlreadyExists("The specified lookup table already exists.");
  }
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"lookupTableArn", lt::TableArn(ctx.partition, *name)}, {"createdAt", now}};
}

}  // namespace cwlogd::api
