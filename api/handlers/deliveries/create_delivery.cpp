// CreateDelivery: pairs an existing delivery source with an existing delivery destination of the
// caller's account and region, under a new 16-character id. One delivery per (source,
// destination) pair: a second gives ConflictException.
#include <random>

#include "api/detail/resources.h"
#include "api/detail/tags.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {
namespace {

constexpr size_t kIdLength = 16;
constexpr int kIdAttempts = 4;

std::string NewDeliveryId() {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string id(kIdLength, '0');
  for (char& c : id) c = kAlphabet[pick(rng)];
  return id;
}

}  // namespace

ApiResult HandleCreateDelivery(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto source = in.String("deliverySourceName", deliveries::kSourceNameRule, /*required=*/true);
  auto destination_arn = in.String("deliveryDestinationArn", detail::kAnyStringRule,
                                   /*required=*/true);
  const auto config = deliveries::DeliveryConfiguration::Read(in);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule);
  if (in.failed()) return in.error();
  if (tags) {
    if (auto e = detail::CheckTagKeys(*tags)) return *e;
  }
  auto destination = deliveries::DestinationFromArn(ctx.partition, *destination_arn);
  if (!destination) return deliveries::DestinationNotFound();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();

  std::optional<ApiError> refused;
  std::string id;
  storage::Status s;
  for (int attempt = 0; attempt < kIdAttempts; ++attempt) {
    id = NewDeliveryId();
    // Runs under the lock every delivery change takes (storage::kDeliveryKinds): the source and
    // destination read here cannot be deleted before the delivery is written.
    s = store->Update(
        ctx.partition, storage::ResourceKind::kDelivery, id, ctx.clock.NowMillis(), {},
        [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
          if (current != nullptr) {
            return storage::Status::AlreadyExists(storage::Status::Resource::kResource);
          }
          auto src = store->Get(ctx.partition, storage::ResourceKind::kDeliverySource, *source);
          if (!src.ok()) {
            if (src.status().IsNotFound()) refused = deliveries::SourceNotFound();
            return src.status();
          }
          auto dst =
              store->Get(ctx.partition, storage::ResourceKind::kDeliveryDestination, *destination);
          if (!dst.ok()) {
            if (dst.status().IsNotFound()) refused = deliveries::DestinationNotFound();
            return dst.status();
          }
          const std::string type = dst->fields.contains(deliveries::kDestinationType)
                                       ? dst->fields.at(deliveries::kDestinationType)
                                       : std::string();
          if (config.has_s3 && type != "S3") {
            refused = deliveries::S3ConfigurationNotForS3();
            return storage::Status::InvalidArgument("refused");
          }
          const std::string canonical_arn = deliveries::DestinationArn(ctx.partition, dst->name);
          std::vector<std::string> same_source;
          storage::Status listed = deliveries::DeliveriesWith(ctx, deliveries::kSourceName, *source,
                                                              SIZE_MAX, &same_source);
          if (!listed.ok()) return listed;
          for (const std::string& other : same_source) {
            auto d = store->Get(ctx.partition, storage::ResourceKind::kDelivery, other);
            if (d.ok() && d->fields.contains(deliveries::kDestinationArn) &&
                d->fields.at(deliveries::kDestinationArn) == canonical_arn) {
              refused = deliveries::Conflict(
                  "A delivery already exists for this delivery source and delivery "
                  "destination.");
              return storage::Status::InvalidArgument("refused");
            }
          }
          out->fields[deliveries::kSourceName] = *source;
          out->fields[deliveries::kDestinationArn] = canonical_arn;
          out->fields[deliveries::kDestinationType] = type;
          config.ApplyTo(out->fields);
          if (tags) out->tags = *tags;
          return storage::Status::OK();
        });
    if (refused) return *refused;
    if (s.code() != storage::Status::Code::kAlreadyExists) break;
  }
  if (!s.ok()) return FromStorage(s);
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDelivery, id);
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"delivery", deliveries::DeliveryJson(ctx, *r)}};
}

}  // namespace cwlogd::api
