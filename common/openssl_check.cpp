#include "common/openssl_check.h"

#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>

namespace feedd::common {

std::string openssl_failure_message(std::string_view call) {
  std::string message = "OpenSSL ";
  message.append(call).append(" failed");
  bool first = true;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    message.append(first ? ": " : "; ").append(text);
    first = false;
  }
  if (first) {
    message += ": no OpenSSL error queued";
  }
  return message;
}

void openssl_failed(std::string_view call) {
  const std::string message = openssl_failure_message(call);
  std::fprintf(stderr, "feedd: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace feedd::common
