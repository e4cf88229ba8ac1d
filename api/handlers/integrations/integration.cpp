#include "api/handlers/integrations/integration.h"

#include <utility>

namespace cwlogd::api::integrations {
namespace {

bool NameCharacters(std::string_view s) {
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    std::string_view(".-_/#").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const StringRule kIntegrationNameRule{1, 50, "[\\.\\-_/#A-Za-z0-9]+", &NameCharacters, false};

ApiError IntegrationNotFound() {
  return ApiError::ResourceNotFound("The specified integration does not exist.");
}

ApiError AsValidation(ApiError e) {
  if (e.type == "InvalidParameterException") e.type = "ValidationException";
  return e;
}

}  // namespace cwlogd::api::integrations
