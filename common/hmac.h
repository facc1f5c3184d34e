// HMAC-SHA256 (RFC 2104) through OpenSSL 3's EVP_MAC, and a constant-time comparison.
// Thread-safe: no shared mutable state (an HmacSha256 object is used by one thread at a time).
// Keys of any length are accepted, the empty key included. Every EVP_* return code is checked;
// OpenSSL failing (only when out of memory) stops the process with a line naming the call
// (common/openssl_check.h), as common/sha256 does; nothing here throws.
#pragma once

#include <array>
#include <string_view>

namespace feedd::common {

using Sha256Mac = std::array<unsigned char, 32>;

// Incremental form, for "id.timestamp.body" without concatenating a large body.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  HmacSha256& update(std::string_view bytes);
  Sha256Mac finish();  // the object is then spent

 private:
  void* context_;  // EVP_MAC_CTX*
};

Sha256Mac hmac_sha256(std::string_view key, std::string_view message);

// The MAC's raw bytes as a string_view (valid while `mac` lives).
inline std::string_view as_bytes(const Sha256Mac& mac) {
  return {reinterpret_cast<const char*>(mac.data()), mac.size()};
}

// True when a and b hold the same bytes. The time taken depends only on the lengths (which
// are public for MACs), never on where the bytes differ (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace feedd::common
