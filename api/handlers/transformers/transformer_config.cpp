// Reading transformerConfig from a request, and the per-process cache of parsed transformers.
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "api/handlers/transformers/transformer_handlers.h"
#include "storage/resource_store.h"

namespace cwlogd::api::transformer_detail {
namespace {

// Drops null members (Coral reads null as absent), so the stored config is what AWS would echo.
nlohmann::json WithoutNulls(const nlohmann::json& v) {
  if (v.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, child] : v.items()) {
      if (!child.is_null()) out[k] = WithoutNulls(child);
    }
    return out;
  }
  if (v.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& child : v) {
      if (!child.is_null()) out.push_back(WithoutNulls(child));
    }
    return out;
  }
  return v;
}

// Parsed transformers by (account, region, group). An entry is used only while its config text
// equals the stored one, so a PutTransformer or DeleteTransformer takes effect on the next batch
// without any invalidation call (and a second server in the process cannot see a stale entry).
struct CacheEntry {
  std::string config_text;
  std::shared_ptr<const transformers::Transformer> transformer;
};
constexpr size_t kMaxCacheEntries = 4096;
std::mutex cache_mutex;
std::map<std::string, CacheEntry, std::less<>> cache;  // guarded by cache_mutex

std::string CacheKey(const storage::Partition& p, std::string_view group) {
  std::string key = p.account;
  key += '\0';
  key += p.region;
  key += '\0';
  key += group;
  return key;
}

}  // namespace

std::shared_ptr<const transformers::Transformer> ReadConfig(const nlohmann::json& request,
                                                            RequestReader& in,
                                                            std::string* config_text,
                                                            std::optional<ApiError>* rule_error) {
  auto it = request.find("transformerConfig");
  if (it == request.end() || it->is_null()) {
    in.AddViolation("transformerConfig", std::nullopt, "Member must not be null");
    return nullptr;
  }
  *config_text = WithoutNulls(*it).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::vector<transformers::ConfigProblem> problems;
  auto parsed = transformers::ParseTransformer(*config_text, &problems);
  for (const auto& problem : problems) {
    switch (problem.kind) {
      case transformers::ConfigProblem::Kind::kSerialization:
        in.SerializationError(problem.message);
        break;
      case transformers::ConfigProblem::Kind::kConstraint:
        in.AddViolation(problem.path, problem.value_text, problem.message);
        break;
      case transformers::ConfigProblem::Kind::kInvalid:
        *rule_error = ApiError::InvalidParameter(problem.message);
        break;
    }
  }
  if (!parsed) return nullptr;
  return std::make_shared<const transformers::Transformer>(std::move(*parsed));
}

storage::Result<std::shared_ptr<const transformers::Transformer>> GroupTransformer(
    Context& ctx, std::string_view group) {
  using Found = std::shared_ptr<const transformers::Transformer>;
  storage::ResourceStore* store = ctx.store.resource_store();
  if (store == nullptr) return Found();
  auto record = store->Get(ctx.partition, storage::ResourceKind::kTransformer, group);
  if (!record.ok()) {
    if (record.status().IsNotFound()) return Found();
    return record.status();
  }
  const std::string& text = record->fields["transformerConfig"];
  const std::string key = CacheKey(ctx.partition, group);
  {
    std::lock_guard lock(cache_mutex);
    auto hit = cache.find(key);
    if (hit != cache.end() && hit->second.config_text == text) return hit->second.transformer;
  }
  std::vector<transformers::ConfigProblem> problems;
  auto parsed = transformers::ParseTransformer(text, &problems);
  if (!parsed) return Found();  // stored configs were validated; one refused now is ignored
  auto shared = std::make_shared<const transformers::Transformer>(std::move(*parsed));
  std::lock_guard lock(cache_mutex);
  if (cache.size() >= kMaxCacheEntries) cache.clear();  // bounded; refilled on demand
  cache[key] = CacheEntry{text, shared};
  return shared;
}

}  // namespace cwlogd::api::transformer_detail
