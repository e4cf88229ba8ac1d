// The paging loop of the list operations (DescribeLogGroups, ListLogGroups, DescribeLogStreams,
// DescribeMetricFilters), and the name token of those that page by name alone:
// a page collector that notices when there is a next page, and the opaque nextToken that holds
// the last name returned, bound to the query that produced it. Pure helpers; not thread-safe
// (one per request).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/detail/tokens.h"

namespace cwlogd::api::detail {

// Collects at most `max_items` items. Offer() returns false once the page is full and one more
// item was offered: that item proves there is a next page, so the caller stops its scan.
template <typename Item>
class PageCollector {
 public:
  explicit PageCollector(size_t max_items) : max_items_(max_items) {}

  bool Offer(Item item) {
    if (items_.size() == max_items_) {
      more_ = true;
      return false;
    }
    items_.push_back(std::move(item));
    return true;
  }
  const std::vector<Item>& items() const { return items_; }
  bool more() const { return more_; }

 private:
  size_t max_items_;
  std::vector<Item> items_;
  bool more_ = false;
};

// A name-position token: `kind` tells the operations apart, `query_digest` binds it to the query
// and `partition` to the account and region.
inline std::string NameToken(char kind, const storage::Partition& partition,
                             std::string_view last_name, uint64_t query_digest) {
  return TokenWriter(kind, partition).Str(last_name).U64(query_digest).Finish();
}

// The name a NameToken resumes after; nullopt when the token is malformed, of another kind,
// partition or query, or holds no name (the caller answers InvalidNextToken).
inline std::optional<std::string> ReadNameToken(std::string_view text, char kind,
                                                const storage::Partition& partition,
                                                uint64_t query_digest) {
  TokenReader token(text, kind, partition);
  std::string last_name = token.Str();
  uint64_t digest = token.U64();
  if (!token.Done() || digest != query_digest || last_name.empty()) return std::nullopt;
  return last_name;
}

}  // namespace cwlogd::api::detail
