// The log transformer operations (PutTransformer, GetTransformer, DeleteTransformer,
// TestTransformer), one file each in api/handlers/transformers/, wired up in api/dispatch.cpp,
// and the lookup PutLogEvents uses to transform what it stores. Thread-safe.
#pragma once

#include <memory>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/request_reader.h"
#include "api/result.h"
#include "transformers/transformer.h"

namespace cwlogd::api {

ApiResult HandlePutTransformer(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetTransformer(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteTransformer(const nlohmann::json& request, Context& ctx);
ApiResult HandleTestTransformer(const nlohmann::json& request, Context& ctx);

namespace transformer_detail {

// Reads the request's `transformerConfig` into `in` (model violations, type errors) and parses
// it. On success `config_text` holds the config as stored and returned by GetTransformer (the
// request's list with null members dropped). When the model checks pass but a rule of the
// service is broken, `rule_error` gets its InvalidParameterException.
std::shared_ptr<const transformers::Transformer> ReadConfig(const nlohmann::json& request,
                                                            RequestReader& in,
                                                            std::string* config_text,
                                                            std::optional<ApiError>* rule_error);

// The transformer of log group `group` (nullptr: none), parsed once per stored config and
// shared by all requests of the process. A non-ok status when the store cannot be read.
storage::Result<std::shared_ptr<const transformers::Transformer>> GroupTransformer(
    Context& ctx, std::string_view group);

}  // namespace transformer_detail
}  // namespace cwlogd::api
