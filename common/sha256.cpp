#include "common/sha256.h"

#include <openssl/evp.h>

#include <cstdint>

#include "common/encoding.h"
#include "common/openssl_check.h"

namespace feedd::common {
namespace {

EVP_MD_CTX* as_digest_ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

std::string_view as_chars(const Sha256Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  check_openssl(context_ != nullptr, "EVP_MD_CTX_new");
  check_openssl(EVP_DigestInit_ex(as_digest_ctx(context_), EVP_sha256(), nullptr) == 1,
                "EVP_DigestInit_ex");
}

Sha256::~Sha256() { EVP_MD_CTX_free(as_digest_ctx(context_)); }

Sha256& Sha256::field(std::string_view bytes) {
  const std::uint64_t length = bytes.size();
  check_openssl(EVP_DigestUpdate(as_digest_ctx(context_), &length, sizeof length) == 1,
                "EVP_DigestUpdate");
  check_openssl(EVP_DigestUpdate(as_digest_ctx(context_), bytes.data(), bytes.size()) == 1,
                "EVP_DigestUpdate");
  return *this;
}

std::string Sha256::hex() {
  Sha256Digest digest{};
  unsigned int length = 0;
  check_openssl(EVP_DigestFinal_ex(as_digest_ctx(context_), digest.data(), &length) == 1 &&
                    length == digest.size(),
                "EVP_DigestFinal_ex");
  return hex_encode(as_chars(digest));
}

Sha256Digest sha256(std::string_view bytes) {
  Sha256Digest digest{};
  unsigned int length = 0;
  check_openssl(
      EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) == 1 &&
          length == digest.size(),
      "EVP_Digest");
  return digest;
}

std::string sha256_hex(std::string_view bytes) { return hex_encode(as_chars(sha256(bytes))); }

}  // namespace feedd::common
