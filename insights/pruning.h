// Chunk pruning for Insights queries (Query::MayMatchIfContains): the literals that every record
// reaching the output must contain in @message. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cwlogd::insights {

struct Plan;

// Shorter literals cannot prune: storage keeps sketches of 3-byte sequences.
inline constexpr std::size_t kMinPruneLiteral = 3;

// From the filters of the record stage, ANDed (never under `or` or `not`): `@message like "x"`,
// `@message like /re/` and `@message =~ /re/` (a literal every match contains), `@message = "x"`.
std::vector<std::string> RequiredLiterals(const Plan& plan);

// The longest run of literal text that every match of `regex` (RE2 syntax, case-sensitive)
// must contain; "" when there is none (alternation, case-insensitive flags, ...).
std::string RegexRequiredLiteral(std::string_view regex);

}  // namespace cwlogd::insights
