// A CloudWatch Logs log transformer (PutTransformer's transformerConfig): parsing and validation
// of the processor list, and its application to one log event's message. Depends on nothing of
// ours. A parsed Transformer is immutable: Apply may be called from many threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwlogd::transformers {

// One problem of a transformerConfig, in the order found.
struct ConfigProblem {
  enum class Kind {
    kSerialization,  // a member of the wrong JSON type (SerializationException)
    kConstraint,     // a model constraint (Coral "Value '<value>' at '<path>' failed to ...")
    kInvalid,        // a rule of the service beyond the model (InvalidParameterException)
  };
  Kind kind = Kind::kInvalid;
  std::string path;                       // kConstraint: "transformerConfig.1.member.addKeys..."
  std::optional<std::string> value_text;  // kConstraint: the value as Coral prints it
  std::string message;                    // the constraint, or the whole message
};

// What the metadata sources of copyValue (@logGroupName, ...) read.
struct EventMetadata {
  std::string_view log_group_name;
  std::string_view log_stream_name;
  std::string_view account_id;
  std::string_view region;
};

struct ApplyOutcome {
  bool ok = false;
  std::string text;  // ok: the transformed event as compact JSON; else why it failed
};

class Transformer {
 public:
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;

  // Transforms one message. Never throws; work is bounded by the message's size.
  ApplyOutcome Apply(std::string_view message, const EventMetadata& metadata) const;

  struct Impl;

 private:
  friend std::optional<Transformer> ParseTransformer(std::string_view, std::vector<ConfigProblem>*);
  explicit Transformer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses and validates `config_json` (the JSON array of processors). nullopt with at least one
// entry in `problems` when it is refused; model violations all come first, then at most one
// kInvalid problem (the first service rule broken).
std::optional<Transformer> ParseTransformer(std::string_view config_json,
                                            std::vector<ConfigProblem>* problems);

}  // namespace cwlogd::transformers
