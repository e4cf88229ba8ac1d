#include "server/cloudwatch/errors.h"

namespace cwlogd::server::cloudwatch {
namespace {

struct ErrorRow {
  std::string_view shape;
  std::string_view query_code;
  bool sender_fault;
  unsigned http_status;
};

// From the cloudwatch 2010-08-01 model (error.code / httpStatusCode / senderFault).
constexpr ErrorRow kErrors[] = {
    {"InvalidParameterValueException", "InvalidParameterValue", true, 400},
    {"MissingRequiredParameterException", "MissingParameter", true, 400},
    {"InvalidParameterCombinationException", "InvalidParameterCombination", true, 400},
    {"InternalServiceFault", "InternalServiceError", false, 500},
    {"ResourceNotFound", "ResourceNotFound", true, 404},
    {"ResourceNotFoundException", "ResourceNotFoundException", true, 404},
    {"LimitExceededFault", "LimitExceeded", true, 400},
    {"LimitExceededException", "LimitExceededException", true, 400},
    {"InvalidNextToken", "InvalidNextToken", true, 400},
    {"InvalidFormatFault", "InvalidFormat", true, 400},
    {"DashboardInvalidInputError", "InvalidParameterInput", true, 400},
    {"DashboardNotFoundError", "ResourceNotFound", true, 404},
    {"ConcurrentModificationException", "ConcurrentModificationException", true, 429},
    {"ConflictException", "ConflictException", true, 409},
    // Protocol-level errors that are not in the model.
    {"InvalidAction", "InvalidAction", true, 400},
    {"UnknownOperationException", "UnknownOperationException", true, 400},
    {"SerializationException", "SerializationException", true, 400},
    {"MissingAction", "MissingAction", true, 400},
    {"MalformedQueryString", "MalformedQueryString", true, 400},
    {"InvalidQueryParameter", "InvalidQueryParameter", true, 400},
    {"InternalFailure", "InternalFailure", false, 500},
};

}  // namespace

WireError MapError(const api::ApiError& error) {
  for (const auto& row : kErrors) {
    if (row.shape == error.type) {
      return {std::string(row.shape), std::string(row.query_code), row.sender_fault,
              row.http_status};
    }
  }
  return {error.type, error.type, error.http_status < 500,
          static_cast<unsigned>(error.http_status)};
}

std::string QueryErrorHeader(const WireError& error) {
  return error.query_code + (error.sender_fault ? ";Sender" : ";Receiver");
}

}  // namespace cwlogd::server::cloudwatch
