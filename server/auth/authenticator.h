// The router's Authenticator for `--auth sigv4`: verifies each request's SigV4 signature against
// the credentials file and yields the caller's partition (account from the file, region from
// the credential scope) or AWS's authentication error. Thread-safe (the store is immutable).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "server/auth/credentials.h"
#include "server/auth/sigv4.h"
#include "server/router.h"

namespace cwlogd::server::auth {

// Seconds since the epoch. The real wall clock by default: the test clock (--clock-offset-ms,
// /_cwlogd/clock) shifts event time only, never the time signatures are checked against.
using EpochSecondsFn = std::function<int64_t()>;
EpochSecondsFn WallClockSeconds();

Authenticator SigV4Authenticator(std::shared_ptr<const CredentialStore> store, SigV4Options options,
                                 EpochSecondsFn now = WallClockSeconds());

// The SignableRequest view of a Beast request (valid while `request` lives).
SignableRequest ToSignable(const HttpRequest& request);

}  // namespace cwlogd::server::auth
