// libFuzzer target for log transformers (transformers/): the input's first line is parsed as a
// transformerConfig, the rest is the message it is applied to. Any bytes must give problems or a
// transformer, and a transformer must give an error or a JSON object:
// - a refused config has at least one problem, an accepted one none;
// - an applied event is one JSON object; applying twice gives the same text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "transformers/transformer.h"

namespace transformers = cwlogd::transformers;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view config = input.substr(0, newline);
  std::string_view message = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  std::vector<transformers::ConfigProblem> problems;
  auto transformer = transformers::ParseTransformer(config, &problems);
  Check(transformer.has_value() == problems.empty());
  if (!transformer) return 0;
  const transformers::EventMetadata metadata{"group", "stream", "123456789012", "us-east-1"};
  transformers::ApplyOutcome first = transformer->Apply(message, metadata);
  transformers::ApplyOutcome second = transformer->Apply(message, metadata);
  Check(first.ok == second.ok && first.text == second.text);
  if (first.ok) {
    auto parsed = nlohmann::json::parse(first.text, nullptr, false);
    Check(!parsed.is_discarded() && parsed.is_object());
  }
  return 0;
}
