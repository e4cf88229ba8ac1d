// ResourceStore: the durable store of account-level resources that are small named records
// (resource policies, destinations, account policies, the per-log-group data protection and
// index policies, anomaly detectors, integrations, S3-table integration sources). One generic store
// for every kind: a record is plain fields plus opaque strings the api validated (policy documents
// stay text; storage never parses JSON). Thread-safety: every method may be called concurrently
// from any thread.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/log_store.h"
#include "storage/status.h"

namespace cwlogd::storage {

// The kinds of resource. Each value is the byte that names its key family on disk
// (storage/keys.h, docs/storage-format.md).
enum class ResourceKind : char {  // DO NOT CHANGE: on-disk
  kResourcePolicy = 'R',          // name: policyName (ACCOUNT scope) or the resource ARN
  kGroupResourcePolicy = 'r',     // name: the log group's name (RESOURCE scope)
  kDestination = 'D',             // name: destinationName
  kAccountPolicy = 'A',           // name: <policyType> '\0' <policyName>
  kDataProtectionPolicy = 'P',    // name: the log group's name
  kIndexPolicy = 'I',             // name: the log group's name
  kDeliverySource = 'S',          // name: the delivery source's name
  kDeliveryDestination = 'T',     // name: the delivery destination's name (policy is a field)
  kDelivery = 'L',                // name: the delivery's id
  kAnomalyDetector = 'N',         // name: the detector's id (the UUID ending its ARN)
  kIntegration = 'G',             // name: integrationName
  kS3TableSource = 'g',           // name: an S3-table integration source's identifier
  kExportTask = 'X',              // name: the export task's id (a UUID)
  kLookupTable = 'K',             // name: lookupTableName
  kSubscriptionFilter = 'B',      // name: <log group name> '\0' <filterName> (SubscriptionStore)
  kTransformer = 'F',             // name: the log group's name
  kScheduledQuery = 'Q',          // name: the scheduled query's name
  kScheduledQueryRun = 'H',       // name: <query name> '\0' <fire time ms, 20 digits>
  kSnsTopic = 'E',                // name: the SNS topic's name (api/sns)
  kSnsSubscription = 'U',         // name: <topic name> ':' <subscription id> (api/sns)
  kSnsOutbox = 'V',               // name: <16-digit ms> ':' <message id>: deliveries to make
  // CloudWatch metrics resources (api/cloudwatch/dashboards, api/cloudwatch/resources).
  kDashboard = 'W',          // name: DashboardName; field "body" byte for byte as put
  kCwAnomalyDetector = 'Y',  // name: the detector's identity as canonical JSON text
  kInsightRule = 'Z',        // name: RuleName
  kMetricStream = 'M',       // name: the metric stream's Name
  kOTelEnrichment = 'O',     // name: "state" (one record per partition)
  kAlarmMuteRule = 'J',      // name: the alarm mute rule's Name (api/cloudwatch/alarms)
};

// Kinds that share one lock per partition: a change of any of them is serialized with the
// changes of the others, so an Update or Delete of one may read the others in its callback and
// rely on what it read (a delivery is created only while its source and destination exist; a
// source or destination is deleted only while no delivery uses it).
inline constexpr ResourceKind kDeliveryKinds[] = {
    ResourceKind::kDeliverySource, ResourceKind::kDeliveryDestination, ResourceKind::kDelivery};

// Kinds whose records belong to a log group (name = group name): deleted with the group.
inline constexpr ResourceKind kGroupBoundKinds[] = {
    ResourceKind::kGroupResourcePolicy, ResourceKind::kDataProtectionPolicy,
    ResourceKind::kIndexPolicy, ResourceKind::kTransformer};

// The most records of a kind a partition may hold, among those whose name starts with
// `name_prefix` (e.g. one account policy type). max_count 0 = no limit.
struct ResourceLimit {
  size_t max_count = 0;
  std::string name_prefix;
};

struct ResourceRecord {
  std::string name;  // unique within (partition, kind); not stored in the value (the key has it)
  int64_t creation_time_ms = 0;
  int64_t last_updated_ms = 0;
  uint64_t revision = 0;  // 1 at creation, +1 on every update through Update()
  // The resource's settings as the api validated them, by member name (e.g. "policyDocument",
  // "targetArn"). Opaque to storage.
  std::map<std::string, std::string> fields;
  std::map<std::string, std::string> tags;

  // The field `member`, or nullptr when the record has none.
  const std::string* FindField(std::string_view member) const {
    auto it = fields.find(std::string(member));
    return it == fields.end() ? nullptr : &it->second;
  }
  // The field `member`, or "" when the record has none.
  std::string FieldOrEmpty(std::string_view member) const {
    const std::string* v = FindField(member);
    return v == nullptr ? std::string() : *v;
  }
  // The field `member` read as a decimal integer (as the api writes them), 0 when absent.
  int64_t IntField(std::string_view member) const {
    const std::string* v = FindField(member);
    int64_t out = 0;
    if (v != nullptr) std::from_chars(v->data(), v->data() + v->size(), out);
    return out;
  }
};

class ResourceStore {
 public:
  virtual ~ResourceStore() = default;

  // NotFound(kResource) when there is no record of that kind and name.
  virtual Result<ResourceRecord> Get(const Partition& p, ResourceKind kind,
                                     std::string_view name) = 0;

  // One read-modify-write of a record, serialized with every other change of the kind in the
  // partition (of every kind of kDeliveryKinds, for those). `edit` gets the current record (nullptr
  // when there is none) and fills `out` with the record to store (name, revision and the times are
  // kept or set here: creation time and last_updated from `now_ms`, revision + 1). A non-ok status
  // from `edit` is returned and nothing is written. Creating a record when the partition already
  // holds `limit.max_count` records of the kind named `limit.name_prefix`... gives
  // FailedPrecondition(kResourceLimit). Records of group-bound kinds need their group:
  // NotFound(kLogGroup) otherwise.
  using Edit = std::function<Status(const ResourceRecord* current, ResourceRecord* out)>;
  virtual Status Update(const Partition& p, ResourceKind kind, std::string_view name,
                        int64_t now_ms, const ResourceLimit& limit, const Edit& edit) = 0;

  // Update, writing the records `also` (stored as given: name, times and revision included;
  // kinds not group-bound) in the same atomic batch: all of it is written, or nothing. For a
  // record and its companions that must never be seen apart (a scheduled query's next fire time
  // and the run that moved it). `also` is not serialized with other changes of its kinds.
  struct Put {
    ResourceKind kind;
    ResourceRecord record;
  };
  virtual Status UpdateWith(const Partition& p, ResourceKind kind, std::string_view name,
                            int64_t now_ms, const ResourceLimit& limit, const Edit& edit,
                            const std::vector<Put>& also) = 0;

  // Deletes the record. `check` (optional) may refuse with a non-ok status first.
  // NotFound(kResource) when there is none.
  virtual Status Delete(const Partition& p, ResourceKind kind, std::string_view name,
                        const std::function<Status(const ResourceRecord&)>& check = {}) = 0;

  // Records of the kind in ascending byte order of name, with names starting with `prefix`,
  // strictly after `start_after` (empty = from the first). The visitor returns false to stop.
  virtual Status List(const Partition& p, ResourceKind kind, std::string_view prefix,
                      std::string_view start_after,
                      const std::function<bool(const ResourceRecord&)>& visit) = 0;

  // Records of the kind in every partition, in key order (partition, then name). For jobs that
  // resume work after a restart (export tasks). The visitor returns false to stop.
  virtual Status ListAllPartitions(
      ResourceKind kind,
      const std::function<bool(const Partition&, const ResourceRecord&)>& visit) = 0;
};

}  // namespace cwlogd::storage
