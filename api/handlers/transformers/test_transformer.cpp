// TestTransformer: applies a transformer config to sample messages; nothing is stored.
#include <limits>
#include <string>

#include "api/handlers/transformers/transformer_handlers.h"

namespace cwlogd::api {
namespace {

// Model TestEventMessages: 1-50 EventMessage (min 1).
const ListRule kTestEventMessagesRule{1, 50};
const StringRule kTestEventMessageRule{1, std::numeric_limits<size_t>::max(), "", nullptr, false};

}  // namespace

ApiResult HandleTestTransformer(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  std::string config_text;
  std::optional<ApiError> rule_error;
  auto transformer = transformer_detail::ReadConfig(request, in, &config_text, &rule_error);
  auto messages = in.StringList("logEventMessages", kTestEventMessagesRule, kTestEventMessageRule,
                                /*required=*/true);
  if (in.failed()) return in.error();
  if (rule_error) return *rule_error;
  if (!transformer || !messages) return ApiError::InvalidParameter("Invalid transformerConfig.");
  // What copyValue's metadata sources read when no real event is behind the message.
  const transformers::EventMetadata metadata{"", "", ctx.partition.account, ctx.partition.region};
  nlohmann::json logs = nlohmann::json::array();
  for (size_t i = 0; i < messages->size(); ++i) {
    nlohmann::json record = {{"eventNumber", i + 1}, {"eventMessage", (*messages)[i]}};
    transformers::ApplyOutcome out = transformer->Apply((*messages)[i], metadata);
    if (out.ok) record["transformedEventMessage"] = std::move(out.text);
    logs.push_back(std::move(record));
  }
  return nlohmann::json{{"transformedLogs", std::move(logs)}};
}

}  // namespace cwlogd::api
