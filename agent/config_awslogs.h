// Reader of the awslogs agent's INI config (awslogs.conf). Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agent/config.h"

namespace cwlogd::agent {

// Parses awslogs.conf text. Unknown keys land in config.warnings; a malformed line or value
// returns nullopt with *error naming the line or section.
std::optional<AgentConfig> ParseAwslogsConfig(std::string_view text, const HostInfo& host,
                                              std::string* error);

}  // namespace cwlogd::agent
