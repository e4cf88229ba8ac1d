// Validation of a PutDashboard DashboardBody (CloudWatch "Dashboard Body Structure and Syntax"):
// the JSON text -> the problems found, each with a JSON-pointer-like DataPath ("/widgets/0/width")
// and a message in the style CloudWatch answers. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cwlogd::api::cloudwatch::dashboards {

struct ValidationMessage {
  std::string data_path;  // "" for the whole body, else "/widgets/3/properties"
  std::string message;
};

inline constexpr size_t kMaxWidgets = 500;
inline constexpr size_t kMaxBodyBytes = 1 << 20;       // [unsure] no documented cap; 1 MiB here
inline constexpr size_t kMaxValidationMessages = 100;  // stop reporting after this many

// The problems of `body`; empty when it is a valid dashboard. Never throws on any input.
std::vector<ValidationMessage> ValidateDashboardBody(std::string_view body);

// True for a valid DashboardName: 1-255 characters among A-Z a-z 0-9 '-' '_'.
bool IsValidDashboardName(std::string_view name);

}  // namespace cwlogd::api::cloudwatch::dashboards
