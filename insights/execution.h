// Running a compiled query over records (docs/insights.md, "Execution"): the record stage as
// records are added, the row stage and the projection at Finish. An execution belongs to one
// thread at a time; it shares the read-only Plan with other executions.
#pragma once

#include <memory>

#include "insights/commands.h"
#include "insights/query.h"

namespace cwlogd::insights {

std::unique_ptr<Execution> StartExecution(std::shared_ptr<const Plan> plan,
                                          const ExecutionLimits& limits);

}  // namespace cwlogd::insights
