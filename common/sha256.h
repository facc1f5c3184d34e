// SHA-256 of bytes, as 64 lowercase hex digits (OpenSSL EVP). Thread-safe; cannot fail
// short of memory exhaustion (then it aborts, as OpenSSL does).
#pragma once

#include <string>
#include <string_view>

namespace feedd::common {

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
