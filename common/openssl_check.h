// What feedd does when an OpenSSL call fails: the one place common/sha256 and common/hmac
// send every EVP_* return code. With the algorithms they use, OpenSSL fails only when memory
// runs out or the library is broken, which no caller can repair: the failure is a bug-class
// stop. It writes one line to stderr naming the call and OpenSSL's error queue, then aborts.
// Thread-safe (OpenSSL's error queue is per thread).
#pragma once

#include <string>
#include <string_view>

namespace feedd::common {

// "OpenSSL EVP_DigestUpdate failed: error:...:reason" (or ": no OpenSSL error queued");
// drains this thread's OpenSSL error queue.
std::string openssl_failure_message(std::string_view call);

// Writes openssl_failure_message(call) as one line to stderr, then std::abort().
[[noreturn]] void openssl_failed(std::string_view call);

// `ok` is the call's result checked against its success value (1 for EVP_*).
inline void check_openssl(bool ok, std::string_view call) {
  if (!ok) {
    openssl_failed(call);
  }
}

}  // namespace feedd::common
