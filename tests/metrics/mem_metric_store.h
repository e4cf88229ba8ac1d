// MemMetricStore: an in-memory MetricStore for tests (LevelDB MemEnv style): std::map
// containers behind one mutex. Log groups exist only when a test adds them (AddLogGroup).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "storage/metric_store.h"

namespace cwlogd::testing {

class MemMetricStore final : public storage::MetricStore {
 public:
  void AddLogGroup(const storage::Partition& p, const std::string& group) {
    std::lock_guard lock(mu_);
    groups_.insert({p.account, p.region, group});
  }
  void RemoveLogGroup(const storage::Partition& p, const std::string& group) {
    std::lock_guard lock(mu_);
    groups_.erase({p.account, p.region, group});
    auto& filters = filters_[{p.account, p.region}];
    for (auto it = filters.begin(); it != filters.end();) {
      it = it->first.first == group ? filters.erase(it) : std::next(it);
    }
  }
  int put_calls() const { return put_calls_; }

  storage::Status PutMetricData(const storage::Partition& p,
                                std::span<const storage::MetricAggregateDelta> deltas,
                                int64_t published_ms) override {
    std::lock_guard lock(mu_);
    ++put_calls_;
    auto& part = data_[{p.account, p.region}];
    for (const auto& d : deltas) {
      part[d.metric][{d.minute_ms, d.unit}].Merge(d.aggregate);
      auto& last = last_published_[{p.account, p.region}][d.metric];
      last = std::max(last, published_ms);
    }
    return storage::Status::OK();
  }

  storage::Status QueryMetric(
      const storage::Partition& p, const storage::MetricId& metric, int64_t start_ms,
      int64_t end_ms, const std::function<bool(const storage::MetricDatapoint&)>& visit) override {
    std::lock_guard lock(mu_);
    auto part = data_.find({p.account, p.region});
    if (part == data_.end()) return storage::Status::OK();
    auto m = part->second.find(metric);
    if (m == part->second.end()) return storage::Status::OK();
    for (const auto& [key, agg] : m->second) {
      if (key.first < start_ms || key.first >= end_ms) continue;
      if (!visit({key.first, key.second, agg})) break;
    }
    return storage::Status::OK();
  }

  storage::Status ListMetrics(
      const storage::Partition& p, const storage::MetricListQuery& q,
      const std::optional<storage::MetricId>& start_after,
      const std::function<bool(const storage::MetricInfo&)>& visit) override {
    std::lock_guard lock(mu_);
    auto part = last_published_.find({p.account, p.region});
    if (part == last_published_.end()) return storage::Status::OK();
    for (const auto& [id, last] : part->second) {
      if (start_after && !(*start_after < id)) continue;
      if (q.metric_namespace && id.metric_namespace != *q.metric_namespace) continue;
      if (q.metric_name && id.metric_name != *q.metric_name) continue;
      if (last < q.active_since_ms) continue;
      bool ok = true;
      for (const auto& [name, value] : q.dimension_filters) {
        bool found = false;
        for (const auto& d : id.dimensions) {
          if (d.name == name && (!value || d.value == *value)) found = true;
        }
        ok = ok && found;
      }
      if (!ok) continue;
      if (!visit({id, last})) break;
    }
    return storage::Status::OK();
  }

  storage::Status PutMetricFilter(const storage::Partition& p,
                                  const storage::MetricFilterDefinition& def,
                                  int32_t max_filters_per_group) override {
    std::lock_guard lock(mu_);
    if (!groups_.contains({p.account, p.region, def.log_group})) {
      return storage::Status::NotFound(storage::Status::Resource::kLogGroup);
    }
    auto& filters = filters_[{p.account, p.region}];
    auto key = std::make_pair(def.log_group, def.filter_name);
    auto it = filters.find(key);
    if (it != filters.end()) {
      const int64_t created = it->second.creation_time_ms;
      it->second = def;
      it->second.creation_time_ms = created;
      return storage::Status::OK();
    }
    int32_t count = 0;
    for (const auto& [k, v] : filters) count += k.first == def.log_group ? 1 : 0;
    if (count >= max_filters_per_group) {
      return storage::Status::FailedPrecondition(storage::Status::Precondition::kMetricFilterLimit);
    }
    filters.emplace(key, def);
    return storage::Status::OK();
  }

  storage::Status DeleteMetricFilter(const storage::Partition& p, std::string_view group,
                                     std::string_view name) override {
    std::lock_guard lock(mu_);
    if (!groups_.contains({p.account, p.region, std::string(group)})) {
      return storage::Status::NotFound(storage::Status::Resource::kLogGroup);
    }
    auto& filters = filters_[{p.account, p.region}];
    if (filters.erase({std::string(group), std::string(name)}) == 0) {
      return storage::Status::NotFound(storage::Status::Resource::kMetricFilter);
    }
    return storage::Status::OK();
  }

  storage::Status ListMetricFilters(
      const storage::Partition& p, const storage::MetricFilterQuery& q,
      const std::function<bool(const storage::MetricFilterDefinition&)>& visit) override {
    std::lock_guard lock(mu_);
    if (q.log_group && !groups_.contains({p.account, p.region, *q.log_group})) {
      return storage::Status::NotFound(storage::Status::Resource::kLogGroup);
    }
    auto& filters = filters_[{p.account, p.region}];
    for (const auto& [key, def] : filters) {
      if (q.log_group && key.first != *q.log_group) continue;
      if (key.second.rfind(q.filter_name_prefix, 0) != 0) continue;
      if (q.metric &&
          (def.metric_name != q.metric->first || def.metric_namespace != q.metric->second)) {
        continue;
      }
      if (q.start_after && key <= *q.start_after) continue;
      if (!visit(def)) break;
    }
    return storage::Status::OK();
  }

 private:
  using PartKey = std::pair<std::string, std::string>;
  std::mutex mu_;
  int put_calls_ = 0;
  std::set<std::tuple<std::string, std::string, std::string>> groups_;
  std::map<PartKey, std::map<storage::MetricId,
                             std::map<std::pair<int64_t, std::string>, storage::MetricAggregate>>>
      data_;
  std::map<PartKey, std::map<storage::MetricId, int64_t>> last_published_;
  std::map<PartKey, std::map<std::pair<std::string, std::string>, storage::MetricFilterDefinition>>
      filters_;
};

}  // namespace cwlogd::testing
