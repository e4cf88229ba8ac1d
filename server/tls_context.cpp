#include "server/tls_context.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <boost/asio/ssl/context.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

namespace cwlogd::server {
namespace {

namespace ssl = boost::asio::ssl;

// Checked up front so "cannot read" names the errno, not an OpenSSL parse message.
bool Readable(const std::string& path, std::string_view what, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = std::string("cannot read TLS ") + std::string(what) + " " + path + ": " +
             std::strerror(errno);
    return false;
  }
  std::fclose(f);
  return true;
}

// Refuses passphrase-protected keys instead of letting OpenSSL prompt on the terminal.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

}  // namespace

std::shared_ptr<ssl::context> LoadTlsContext(const std::string& cert_file,
                                             const std::string& key_file, std::string* error) {
  if (!Readable(cert_file, "certificate file", error)) return nullptr;
  if (!Readable(key_file, "key file", error)) return nullptr;
  ERR_clear_error();

  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  // No renegotiation (TLS 1.2) and no compression; OpenSSL's default ciphers otherwise.
  SSL_CTX_set_options(
      native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);

  if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1) {
    // OpenSSL's own reasons ("PEM lib", "unsupported") would not help the reader.
    ERR_clear_error();
    *error = "TLS certificate file " + cert_file + " has no usable PEM certificate";
    return nullptr;
  }

  std::FILE* f = std::fopen(key_file.c_str(), "rb");
  if (f == nullptr) {
    *error = "cannot read TLS key file " + key_file + ": " + std::strerror(errno);
    return nullptr;
  }
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, &NoPassphrase, nullptr);
  std::fclose(f);
  if (key == nullptr) {
    ERR_clear_error();
    *error = "TLS key file " + key_file +
             " has no usable PEM private key (encrypted keys are not supported)";
    return nullptr;
  }
  int used = SSL_CTX_use_PrivateKey(native, key);
  EVP_PKEY_free(key);  // the context holds its own reference
  if (used != 1 || SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    *error = "TLS key file " + key_file + " does not match the certificate in " + cert_file;
    return nullptr;
  }
  return ctx;
}

}  // namespace cwlogd::server
