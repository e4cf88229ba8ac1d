// Reader of the amazon-cloudwatch-agent JSON config (its `logs` section). Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agent/config.h"

namespace cwlogd::agent {

// Parses the JSON text. Unknown keys (and sections the agent does not implement, such as
// `metrics`) land in config.warnings with their JSON path; a type error returns nullopt.
std::optional<AgentConfig> ParseJsonConfig(std::string_view text, const HostInfo& host,
                                           std::string* error);

}  // namespace cwlogd::agent
