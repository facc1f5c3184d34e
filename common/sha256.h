// SHA-256 of bytes through OpenSSL EVP: the raw 32 bytes, or 64 lowercase hex digits.
// Thread-safe (a Sha256 object is used by one thread at a time). Every EVP_* return code is
// checked; a failure (only when memory runs out) stops the process with a line naming the
// call (common/openssl_check.h). Nothing here throws but std::bad_alloc.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace feedd::common {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);

// Incremental form, for hashing several fields without concatenating them.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds `bytes` framed by its length, so ("ab","c") and ("a","bc") hash differently.
  Sha256& field(std::string_view bytes);
  std::string hex();  // finishes; the object is then spent

 private:
  void* context_;  // EVP_MD_CTX*
};

}  // namespace feedd::common
