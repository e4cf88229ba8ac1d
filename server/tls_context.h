// The server-side TLS context for HttpServer: a PEM certificate chain and its private key,
// TLS 1.2 or newer (docs/security.md). Loaded once at start-up; the context is then only
// read by the sessions (OpenSSL makes that safe from several threads).
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace cwlogd::server {

// Reads `cert_file` (PEM: the server certificate first, then any intermediates) and `key_file`
// (PEM, unencrypted). Returns nullptr with a one-line `error` when a file cannot be read or
// holds no usable certificate/key, or when the key does not belong to the certificate.
std::shared_ptr<boost::asio::ssl::context> LoadTlsContext(const std::string& cert_file,
                                                          const std::string& key_file,
                                                          std::string* error);

}  // namespace cwlogd::server
