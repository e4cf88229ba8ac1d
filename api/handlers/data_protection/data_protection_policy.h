// Data protection policy documents: the checks PutDataProtectionPolicy and PutAccountPolicy
// (DATA_PROTECTION_POLICY) apply before storing one (the masking they cause is
// api/detail/data_masking.h). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "api/api_error.h"

namespace cwlogd::api::data_protection {

// The document's shape as AWS documents it: a JSON object whose Statement array holds exactly
// two statements, the first with an Operation.Audit, the second with an Operation.Deidentify
// holding a MaskConfig, both naming the same non-empty DataIdentifier list of strings; Version,
// when given, "2021-06-01". InvalidParameterException saying what is wrong otherwise.
std::optional<ApiError> CheckPolicyDocument(std::string_view document);

}  // namespace cwlogd::api::data_protection
