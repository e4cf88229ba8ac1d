#include "server/auth/authenticator.h"

#include <chrono>
#include <utility>

namespace cwlogd::server::auth {

EpochSecondsFn WallClockSeconds() {
  return [] {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

SignableRequest ToSignable(const HttpRequest& request) {
  SignableRequest out;
  out.method = request.method_string();
  out.target = request.target();
  out.headers.reserve(16);
  for (const auto& field : request) {
    out.headers.emplace_back(std::string_view(field.name_string()),
                             std::string_view(field.value()));
  }
  out.body = request.body();
  return out;
}

Authenticator SigV4Authenticator(std::shared_ptr<const CredentialStore> store, SigV4Options options,
                                 EpochSecondsFn now) {
  auto verifier = std::make_shared<const Verifier>(*store, options);
  return [store = std::move(store), verifier = std::move(verifier), now = std::move(now)](
             const HttpRequest& request, const RequestClass& what) -> AuthResult {
    // The pipeline's classification picks the signing name: "monitoring" for CloudWatch
    // metrics, "logs" for the Logs API and the /_cwlogd/ test endpoints.
    // STS (GetCallerIdentity) is signed for "sts".
    const bool metrics = IsCloudWatch(what.protocol);
    const bool sts = what.protocol == RequestProtocol::kStsQuery;
    const bool sns = what.protocol == RequestProtocol::kSnsQuery;  // signed for "sns"
    std::variant<Identity, AuthError> result =
        verifier->Verify(ToSignable(request),
                         sts ? "sts" : (sns ? "sns" : (metrics ? "monitoring" : "logs")), now());
    if (auto* error = std::get_if<AuthError>(&result)) {
      // CloudWatch metrics is query-compatible: its clients read the query code
      // (docs/security.md), whichever of its three protocols the request used. STS is a query
      // protocol: the query code too.
      if (metrics || sts || sns) {
        return api::ApiError{std::move(error->query_code), std::move(error->message),
                             error->query_http_status};
      }
      return api::ApiError{std::move(error->type), std::move(error->message), error->http_status};
    }
    Identity& id = std::get<Identity>(result);
    return storage::Partition{std::move(id.account_id), std::move(id.region)};
  };
}

}  // namespace cwlogd::server::auth
