// Space-delimited patterns `[ip, user, ..., status_code = 4* && status_code != 403, bytes]`
// (docs/filter-patterns.md): split the event into fields, pair them with the pattern's fields,
// check the conditions, and extract `$name` / `$position` values.
#include <cstring>
#include <string>

#include "filters/detail/compiled_pattern.h"

namespace cwlogd::filters::detail {
namespace {

struct Field {
  enum class Type { kNamed, kEmpty, kEllipsis };
  Type type = Type::kNamed;
  std::string key;  // "$name" for kNamed
  // Conditions in disjunctive normal form: any of the groups, all of a group (&& binds
  // tighter than ||, and there are no parentheses).
  std::vector<std::vector<Condition>> any_of;
};

// Splits on runs of spaces; "..." and [...] are one field each, without the enclosing
// characters. An unterminated quote or bracket is ordinary text.
void SplitEvent(std::string_view msg, std::vector<std::string_view>* out, std::size_t stop_after) {
  out->clear();
  std::size_t i = 0;
  const std::size_t n = msg.size();
  while (i < n) {
    if (msg[i] == ' ') {
      ++i;
      continue;
    }
    if (out->size() >= stop_after) {
      out->emplace_back();  // one more than allowed: enough to know it cannot match
      return;
    }
    const char open = msg[i];
    if (open == '"' || open == '[') {
      const char close = open == '"' ? '"' : ']';
      const void* end = std::memchr(msg.data() + i + 1, close, n - i - 1);
      if (end != nullptr) {
        const std::size_t j = static_cast<std::size_t>(static_cast<const char*>(end) - msg.data());
        out->push_back(msg.substr(i + 1, j - i - 1));
        i = j + 1;
        continue;
      }
    }
    const void* space = std::memchr(msg.data() + i, ' ', n - i);
    const std::size_t j =
        space != nullptr ? static_cast<std::size_t>(static_cast<const char*>(space) - msg.data())
                         : n;
    out->push_back(msg.substr(i, j - i));
    i = j;
  }
}

bool FieldSatisfies(const Field& f, std::string_view value) {
  if (f.any_of.empty()) return true;
  std::optional<std::optional<double>> number;  // parsed lazily, once
  for (const auto& group : f.any_of) {
    bool all = true;
    for (const Condition& c : group) {
      if (c.value.type == ValueSpec::Type::kNumber && !number) number = ParseNumber(value);
      if (!EvalCondition(c, value, number ? *number : std::nullopt)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

class DelimitedPattern final : public CompiledPattern {
 public:
  DelimitedPattern(std::string text, int regex_count, std::vector<Field> fields)
      : CompiledPattern(std::move(text), PatternKind::kSpaceDelimited, regex_count),
        fields_(std::move(fields)) {
    ellipsis_ = fields_.size();
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].type == Field::Type::kEllipsis) ellipsis_ = i;
    }
  }

  bool Match(std::string_view message, ExtractedValues* values) const override {
    if (values != nullptr) values->clear();
    std::vector<std::string_view>& event = Scratch();
    // Extracted values name every field: split them all.
    const std::size_t limit = values != nullptr ? FullSplitLimit() : SplitLimit({});
    if (!MatchFields(message, limit, &event)) return false;
    if (values != nullptr) {
      values->reserve(event.size());
      for (std::size_t i = 0; i < event.size(); ++i) {
        values->emplace_back(KeyFor(i, event.size()), std::string(event[i]));
      }
    }
    return true;
  }

  bool MatchAndResolve(std::string_view message, const std::vector<const Selector*>& json_refs,
                       const std::vector<std::string>& field_refs,
                       std::vector<std::optional<ResolvedScalar>>* out) const override {
    out->assign(json_refs.size() + field_refs.size(), std::nullopt);
    std::vector<std::string_view>& event = Scratch();
    if (!MatchFields(message, SplitLimit(field_refs), &event)) return false;
    for (std::size_t r = 0; r < field_refs.size(); ++r) {
      const long i = EventIndexOf(field_refs[r], event.size());
      if (i < 0) continue;
      const std::string_view value = event[static_cast<std::size_t>(i)];
      auto& slot = (*out)[json_refs.size() + r];
      slot.emplace();
      slot->text.assign(value);
      slot->number = ParseNumber(value);
    }
    return true;
  }

 private:
  static std::vector<std::string_view>& Scratch() {
    thread_local std::vector<std::string_view> fields;
    if (fields.capacity() > 4096) std::vector<std::string_view>().swap(fields);
    return fields;
  }

  bool HasEllipsis() const { return ellipsis_ < fields_.size(); }

  // Index of the pattern field paired with event field i (n event fields), or -1 when the
  // event field is absorbed by the ellipsis.
  long PatternIndex(std::size_t i, std::size_t n) const {
    if (!HasEllipsis()) return static_cast<long>(i);
    if (i < ellipsis_) return static_cast<long>(i);
    const std::size_t after = fields_.size() - ellipsis_ - 1;
    if (i >= n - after) return static_cast<long>(fields_.size() - (n - i));
    return -1;
  }

  // The event field (of n) that reference `ref` names, or -1: `$name` is the field the pattern
  // names so, `$3` the third event field when the pattern gives it no name (KeyFor's rule).
  // Runs per event and reference, so it compares in place instead of building KeyFor strings.
  long EventIndexOf(std::string_view ref, std::size_t n) const {
    long named = -1;
    const std::size_t k = fields_.size();
    for (std::size_t p = 0; p < k && named < 0; ++p) {
      if (fields_[p].type != Field::Type::kNamed || fields_[p].key != ref) continue;
      const std::size_t i = (HasEllipsis() && p > ellipsis_) ? n - (k - p) : p;
      if (i < n && PatternIndex(i, n) == static_cast<long>(p)) named = static_cast<long>(i);
    }
    const long positional = PositionalIndexOf(ref, n);
    if (named < 0 || (positional >= 0 && positional < named)) return positional;
    return named;
  }

  // `$3` -> 2 when the third event field exists and the pattern does not name it; else -1.
  long PositionalIndexOf(std::string_view ref, std::size_t n) const {
    if (ref.size() < 2 || ref[0] != '$' || ref[1] == '0') return -1;
    std::size_t position = 0;
    for (std::size_t j = 1; j < ref.size(); ++j) {
      if (ref[j] < '0' || ref[j] > '9' || position > n) return -1;
      position = position * 10 + static_cast<std::size_t>(ref[j] - '0');
    }
    if (position == 0 || position > n) return -1;
    const long p = PatternIndex(position - 1, n);
    if (p >= 0 && fields_[static_cast<std::size_t>(p)].type == Field::Type::kNamed) return -1;
    return static_cast<long>(position - 1);
  }

  std::string KeyFor(std::size_t i, std::size_t n) const {
    const long p = PatternIndex(i, n);
    if (p >= 0 && fields_[static_cast<std::size_t>(p)].type == Field::Type::kNamed) {
      return fields_[static_cast<std::size_t>(p)].key;
    }
    std::string key(1, '$');  // (not "$" + ...: GCC 12 warns falsely, bug 105329)
    key += std::to_string(i + 1);
    return key;
  }

  // SplitEvent's stop_after that tells whether the event matches and resolves every event
  // field: without "...", k + 1 fields already mean "too many".
  std::size_t FullSplitLimit() const {
    return HasEllipsis() ? static_cast<std::size_t>(-1) : fields_.size();
  }

  // The same, for a match that reads only `refs`. With "..." last (`[ip, user, ...]`, the
  // usual metric-filter shape), the fields it absorbs are never compared, so splitting stops
  // after the k - 1 before it, unless a `$N` reference reaches past them. Saves splitting the
  // tail of long lines (user agents) for every event and filter.
  std::size_t SplitLimit(const std::vector<std::string>& refs) const {
    const std::size_t k = fields_.size();
    if (!HasEllipsis() || ellipsis_ != k - 1) return FullSplitLimit();
    for (const std::string& ref : refs) {
      if (ref.size() < 2 || ref[0] != '$') continue;
      // `$N` with N >= k may name a field past the ellipsis (a name such as `$size` cannot).
      std::size_t position = 0;
      for (std::size_t j = 1; j < ref.size(); ++j) {
        if (ref[j] < '0' || ref[j] > '9') {
          position = 0;
          break;
        }
        position = position * 10 + static_cast<std::size_t>(ref[j] - '0');
        if (position >= k) return FullSplitLimit();
      }
    }
    return k - 1;
  }

  // Splits `message` (up to `split_limit` fields, see SplitEvent) and checks every field.
  bool MatchFields(std::string_view message, std::size_t split_limit,
                   std::vector<std::string_view>* event) const {
    const std::size_t k = fields_.size();
    SplitEvent(message, event, split_limit);
    const std::size_t n = event->size();
    if (HasEllipsis()) {
      if (n < k - 1) return false;
    } else if (n != k) {
      return false;
    }
    for (std::size_t p = 0; p < k; ++p) {
      const Field& f = fields_[p];
      if (f.any_of.empty()) continue;
      const std::size_t i = (HasEllipsis() && p > ellipsis_) ? n - (k - p) : p;
      if (!FieldSatisfies(f, (*event)[i])) return false;
    }
    return true;
  }

  std::vector<Field> fields_;
  std::size_t ellipsis_ = 0;  // index of "...", or fields_.size() when there is none
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string_view ParseName(Cursor& cur) {
  const std::size_t start = cur.pos();
  while (!cur.AtEnd() && IsNameChar(cur.Peek())) cur.Advance();
  return cur.Slice(start, cur.pos());
}

}  // namespace

std::shared_ptr<const CompiledPattern> BuildDelimitedPattern(std::string text,
                                                             std::string_view body,
                                                             std::size_t base, ParseError* error) {
  Cursor cur(body.substr(1, body.size() - 2), base + 1);
  std::vector<Field> fields;
  int regex_count = 0;
  bool ellipsis = false;
  cur.SkipSpace();
  if (cur.AtEnd()) {
    // `[]` is accepted by AWS; we read it as `[...]`: every event, all fields extracted.
    fields.push_back(Field{Field::Type::kEllipsis, "", {}});
    return std::make_shared<DelimitedPattern>(std::move(text), 0, std::move(fields));
  }
  for (;;) {
    cur.SkipSpace();
    Field field;
    const std::size_t field_offset = cur.offset();
    if (cur.AtEnd() || cur.Peek() == ',') {
      field.type = Field::Type::kEmpty;
    } else if (cur.Consume("...")) {
      if (ellipsis) {
        Fail(error, field_offset, std::string(kInvalidPattern), "at most one '...' per pattern");
        return nullptr;
      }
      ellipsis = true;
      field.type = Field::Type::kEllipsis;
    } else {
      const std::string_view name = ParseName(cur);
      if (name.empty()) {
        Fail(error, field_offset, std::string(kInvalidPattern),
             "expected a field name ([A-Za-z0-9_-]), '...' or ','");
        return nullptr;
      }
      field.key.assign(1, '$');
      field.key.append(name);
      cur.SkipSpace();
      const char c = cur.Peek();
      if (c == '=' || c == '!' || c == '<' || c == '>') {
        field.any_of.emplace_back();
        for (;;) {
          Condition cond;
          if (!ParseCondition(cur, &cond, &regex_count, error)) return nullptr;
          field.any_of.back().push_back(std::move(cond));
          cur.SkipSpace();
          if (cur.Consume("||")) {
            field.any_of.emplace_back();
          } else if (!cur.Consume("&&")) {
            break;
          }
          cur.SkipSpace();
          const std::size_t name_offset = cur.offset();
          const std::string_view again = ParseName(cur);
          if (again != name) {
            Fail(error, name_offset, std::string(kInvalidPattern),
                 "a condition after && or || must name the same field ('" + std::string(name) +
                     "')");
            return nullptr;
          }
        }
      }
    }
    fields.push_back(std::move(field));
    cur.SkipSpace();
    if (cur.AtEnd()) break;
    if (!cur.Consume(",")) {
      Fail(error, cur.offset(), std::string(kInvalidPattern), "expected ',' between fields");
      return nullptr;
    }
  }
  if (regex_count > kMaxRegexesPerPattern) {
    Fail(error, base, std::string(kInvalidPattern),
         "a space-delimited pattern may contain at most 2 regular expressions");
    return nullptr;
  }
  return std::make_shared<DelimitedPattern>(std::move(text), regex_count, std::move(fields));
}

}  // namespace cwlogd::filters::detail
