#include "server/sns_sender.h"

#include <cstdio>
#include <memory>
#include <vector>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace cwlogd::server {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string Base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

}  // namespace

std::optional<SnsSigningKey> MakeSnsSigningKey(std::string* error) {
  std::shared_ptr<EVP_PKEY> key(EVP_RSA_gen(2048), PkeyFree());
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!key || !cert) {
    *error = "sns: cannot create the signing key";
    return std::nullopt;
  }
  X509_set_version(cert.get(), 2);
  unsigned char serial[8];
  RAND_bytes(serial, sizeof serial);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()),
                   static_cast<long>(serial[0] | (serial[1] << 8) | ((serial[2] & 0x7f) << 16)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("sns.amazonaws.com"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    *error = "sns: cannot sign the certificate";
    return std::nullopt;
  }
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  SnsSigningKey out;
  out.cert_pem.assign(data, static_cast<size_t>(size));
  unsigned char id[16];
  RAND_bytes(id, sizeof id);
  out.signer.cert_path = "/SimpleNotificationService-";
  for (unsigned char b : id) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", b);
    out.signer.cert_path += hex;
  }
  out.signer.cert_path += ".pem";
  out.signer.sign = [key](const std::string& text, bool sha256) -> std::string {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    size_t sig_size = 0;
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, sha256 ? EVP_sha256() : EVP_sha1(), nullptr,
                           key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &sig_size,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1) {
      return {};
    }
    std::vector<unsigned char> sig(sig_size);
    if (EVP_DigestSign(ctx.get(), sig.data(), &sig_size,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1) {
      return {};
    }
    return Base64(sig.data(), sig_size);
  };
  return out;
}

}  // namespace cwlogd::server
