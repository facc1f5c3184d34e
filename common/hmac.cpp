#include "common/hmac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "common/openssl_check.h"

namespace feedd::common {
namespace {

// Fetched once (thread-safe static initialisation) and kept for the process's life.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = [] {
    EVP_MAC* fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    check_openssl(fetched != nullptr, "EVP_MAC_fetch");
    return fetched;
  }();
  return mac;
}

EVP_MAC_CTX* as_mac_ctx(void* p) { return static_cast<EVP_MAC_CTX*>(p); }

}  // namespace

HmacSha256::HmacSha256(std::string_view key) : context_(EVP_MAC_CTX_new(hmac_algorithm())) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  // A null key pointer means "keep the previous key" to EVP_MAC_init: point somewhere valid
  // even for the empty key.
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  check_openssl(context_ != nullptr, "EVP_MAC_CTX_new");
  check_openssl(EVP_MAC_init(as_mac_ctx(context_), key_bytes, key.size(), params) == 1,
                "EVP_MAC_init");
}

HmacSha256::~HmacSha256() { EVP_MAC_CTX_free(as_mac_ctx(context_)); }

HmacSha256& HmacSha256::update(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  check_openssl(bytes.empty() || EVP_MAC_update(as_mac_ctx(context_), data, bytes.size()) == 1,
                "EVP_MAC_update");
  return *this;
}

Sha256Mac HmacSha256::finish() {
  Sha256Mac mac{};
  std::size_t length = 0;
  check_openssl(EVP_MAC_final(as_mac_ctx(context_), mac.data(), &length, mac.size()) == 1 &&
                    length == mac.size(),
                "EVP_MAC_final");
  return mac;
}

Sha256Mac hmac_sha256(std::string_view key, std::string_view message) {
  return HmacSha256(key).update(message).finish();
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace feedd::common
