#include "storage/detail/rocks_metric_store.h"

#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"
#include "storage/metric_keys.h"

namespace cwlogd::storage::detail {
namespace {

namespace mk = metric_keys;

// Buckets merge as statistic sets; index entries keep the latest publication time.
class MetricsMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger* /*logger*/) const override {
    if (existing == nullptr) {
      new_value->assign(value.data(), value.size());
      return true;
    }
    if (!key.empty() && key[0] == mk::kIndexTag) {
      int64_t a = 0, b = 0;
      if (!mk::DecodeLastPublished(ToView(*existing), &a) ||
          !mk::DecodeLastPublished(ToView(value), &b)) {
        return false;
      }
      *new_value = mk::EncodeLastPublished(std::max(a, b));
      return true;
    }
    MetricAggregate a, b;
    if (!mk::DecodeAggregate(ToView(*existing), &a) || !mk::DecodeAggregate(ToView(value), &b)) {
      return false;  // corruption: RocksDB reports it to the reader
    }
    a.Merge(b);
    *new_value = mk::EncodeAggregate(a);
    return true;
  }
  const char* Name() const override { return "cwlogd.MetricsMerge.v1"; }  // DO NOT CHANGE
};

}  // namespace

void ConfigureMetricsCf(rocksdb::ColumnFamilyOptions* options) {
  options->merge_operator = std::make_shared<MetricsMergeOperator>();
  options->write_buffer_size = 16 << 20;
}

void AppendMetricDeltas(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* metrics,
                        const Partition& p, std::span<const MetricAggregateDelta> deltas,
                        int64_t published_ms) {
  const std::string published = mk::EncodeLastPublished(published_ms);
  const MetricId* previous = nullptr;
  for (const MetricAggregateDelta& d : deltas) {
    // WriteBatch::Merge only fails on a size overflow far beyond our request limits.
    (void)batch->Merge(metrics, mk::BucketKey(p, d.metric, d.minute_ms, d.unit),
                       mk::EncodeAggregate(d.aggregate));
    if (previous == nullptr || !(*previous == d.metric)) {  // deltas come grouped by metric
      (void)batch->Merge(metrics, mk::IndexKey(p, d.metric), published);
    }
    previous = &d.metric;
  }
}

Status RocksMetricStore::PutMetricData(const Partition& p,
                                       std::span<const MetricAggregateDelta> deltas,
                                       int64_t published_ms) {
  if (deltas.empty()) return Status::OK();
  rocksdb::WriteBatch batch;
  AppendMetricDeltas(&batch, engine_->metrics(), p, deltas, published_ms);
  return engine_->Write(&batch, "put metric data");
}

Status RocksMetricStore::QueryMetric(const Partition& p, const MetricId& metric, int64_t start_ms,
                                     int64_t end_ms,
                                     const std::function<bool(const MetricDatapoint&)>& visit) {
  const std::string prefix = mk::BucketPrefix(p, metric);
  const std::string lower = mk::BucketKey(p, metric, start_ms, "");
  RangeIterator it(engine_->db(), engine_->metrics(), mk::BucketKey(p, metric, end_ms, ""));
  MetricDatapoint point;  // reused: decoding keeps its buffers' capacity from bucket to bucket
  for (it->Seek(lower); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!mk::ParseBucketSuffix(key.substr(prefix.size()), &point.minute_ms, &point.unit) ||
        !mk::DecodeAggregate(ToView(it->value()), &point.aggregate)) {
      return Status::Corruption("bad metric bucket");
    }
    if (point.minute_ms < start_ms || point.minute_ms >= end_ms) continue;
    if (!visit(point)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "query metric");
  return Status::OK();
}

Status RocksMetricStore::ListMetrics(const Partition& p, const MetricListQuery& q,
                                     const std::optional<MetricId>& start_after,
                                     const std::function<bool(const MetricInfo&)>& visit) {
  const std::string prefix = mk::IndexPrefix(p);
  // With a namespace (and name), every match shares a longer key prefix: seek straight to it.
  std::string scan_prefix = prefix;
  if (q.metric_namespace) {
    mk::AppendEscaped(&scan_prefix, *q.metric_namespace);
    if (q.metric_name) mk::AppendEscaped(&scan_prefix, *q.metric_name);
  }
  RangeIterator it(engine_->db(), engine_->metrics(), keys::PrefixSuccessor(scan_prefix));
  std::string seek = scan_prefix;
  if (start_after) seek = std::max(seek, mk::IndexKey(p, *start_after));
  for (it->Seek(seek); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    if (key.substr(0, scan_prefix.size()) != scan_prefix) break;
    MetricInfo info;
    if (!mk::ParseIndexSuffix(key.substr(prefix.size()), &info.id) ||
        !mk::DecodeLastPublished(ToView(it->value()), &info.last_published_ms)) {
      return Status::Corruption("bad metric index entry");
    }
    if (start_after && !(*start_after < info.id)) continue;
    if (q.metric_name && info.id.metric_name != *q.metric_name) continue;
    if (info.last_published_ms < q.active_since_ms) continue;
    bool ok = true;
    for (const auto& [name, value] : q.dimension_filters) {
      bool found = false;
      for (const auto& d : info.id.dimensions) {
        if (d.name == name && (!value || d.value == *value)) found = true;
      }
      ok = ok && found;
    }
    if (!ok) continue;
    if (!visit(info)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list metrics");
  return Status::OK();
}

Status RocksMetricStore::PutMetricFilter(const Partition& p, const MetricFilterDefinition& def,
                                         int32_t max_filters_per_group) {
  return engine_->UpdateGroupRecord(p, def.log_group, "put metric filter", [&](GroupUpdate& u) {
    const std::string key = mk::FilterKey(u.group.id, def.filter_name);
    std::string existing;
    rocksdb::Status s =
        engine_->db()->Get(rocksdb::ReadOptions(), engine_->metrics(), key, &existing);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read metric filter");
    MetricFilterDefinition stored = def;
    if (s.ok()) {
      // Replacing keeps the original creation time, as AWS does; the group's count stays.
      MetricFilterDefinition old;
      if (mk::DecodeFilterRecord(existing, &old)) stored.creation_time_ms = old.creation_time_ms;
      u.record = GroupUpdate::Record::kUnchanged;
    } else {
      if (u.group.metric_filter_count >= max_filters_per_group) {
        return Status::FailedPrecondition(Status::Precondition::kMetricFilterLimit);
      }
      u.group.metric_filter_count += 1;
    }
    u.batch.Put(engine_->metrics(), key, mk::EncodeFilterRecord(stored));
    return Status::OK();
  });
}

Status RocksMetricStore::DeleteMetricFilter(const Partition& p, std::string_view log_group,
                                            std::string_view filter_name) {
  return engine_->UpdateGroupRecord(p, log_group, "delete metric filter", [&](GroupUpdate& u) {
    const std::string key = mk::FilterKey(u.group.id, filter_name);
    std::string existing;
    rocksdb::Status s =
        engine_->db()->Get(rocksdb::ReadOptions(), engine_->metrics(), key, &existing);
    if (s.IsNotFound()) return Status::NotFound(Status::Resource::kMetricFilter);
    if (!s.ok()) return FromRocks(s, "read metric filter");
    u.group.metric_filter_count = std::max(0, u.group.metric_filter_count - 1);
    u.batch.Delete(engine_->metrics(), key);
    return Status::OK();
  });
}

Status RocksMetricStore::ListGroupFilters(
    const std::string& group, uint64_t group_id, const MetricFilterQuery& q,
    const std::string* start_after_name,
    const std::function<bool(const MetricFilterDefinition&)>& visit, bool* stopped) {
  const std::string prefix = mk::FilterPrefix(group_id);
  const std::string lower = prefix + q.filter_name_prefix;
  RangeIterator it(engine_->db(), engine_->metrics(), keys::PrefixSuccessor(lower));
  std::string seek = lower;
  if (start_after_name != nullptr) seek = std::max(seek, prefix + *start_after_name);
  for (it->Seek(seek); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    if (key.substr(0, lower.size()) != lower) break;
    std::string_view name = key.substr(prefix.size());
    if (start_after_name != nullptr && name <= *start_after_name) continue;
    MetricFilterDefinition d;
    if (!mk::DecodeFilterRecord(ToView(it->value()), &d)) {
      return Status::Corruption("bad metric filter record");
    }
    d.log_group = group;
    d.filter_name = std::string(name);
    if (q.metric && (d.metric_name != q.metric->first || d.metric_namespace != q.metric->second)) {
      continue;
    }
    if (!visit(d)) {
      *stopped = true;
      return Status::OK();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list metric filters");
  return Status::OK();
}

Status RocksMetricStore::ListMetricFilters(
    const Partition& p, const MetricFilterQuery& q,
    const std::function<bool(const MetricFilterDefinition&)>& visit) {
  bool stopped = false;
  if (q.log_group) {
    auto group = logs_->GetLogGroup(p, *q.log_group);
    if (!group.ok()) return group.status();
    // The common case on ingest: a group without filters costs one point lookup, no scan.
    if (group->metric_filter_count == 0) return Status::OK();
    const std::string* after = nullptr;
    if (q.start_after) {
      if (q.start_after->first > *q.log_group) return Status::OK();
      if (q.start_after->first == *q.log_group) after = &q.start_after->second;
    }
    return ListGroupFilters(*q.log_group, group->id, q, after, visit, &stopped);
  }
  // Across the partition's groups, in name order.
  Status inner = Status::OK();
  const std::string start_group = q.start_after ? q.start_after->first : std::string();
  // ListLogGroups starts strictly after its argument, so resume the cursor's own group first.
  if (q.start_after) {
    auto group = logs_->GetLogGroup(p, start_group);
    if (group.ok()) {
      inner = ListGroupFilters(start_group, group->id, q, &q.start_after->second, visit, &stopped);
      if (!inner.ok() || stopped) return inner;
    } else if (!group.status().IsNotFound()) {
      return group.status();
    }
  }
  Status s = logs_->ListLogGroups(p, "", start_group, [&](const LogGroupInfo& g) {
    if (g.metric_filter_count == 0) return true;
    inner = ListGroupFilters(g.name, g.id, q, nullptr, visit, &stopped);
    return inner.ok() && !stopped;
  });
  if (!s.ok()) return s;
  return inner;
}

}  // namespace cwlogd::storage::detail
