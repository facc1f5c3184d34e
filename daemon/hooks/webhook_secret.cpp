#include "daemon/hooks/webhook_secret.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/unique_fd.h"

namespace feedd::daemon {
namespace {

constexpr std::size_t kMaxSecretFile = 64 * 1024;

std::string trim_trailing_space(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

boost::system::error_code last_error() { return {errno, boost::system::system_category()}; }

}  // namespace

boost::system::result<std::string> read_webhook_secret(std::string_view secret,
                                                       const std::filesystem::path& secret_file) {
  if (secret_file.empty()) {
    return trim_trailing_space(std::string(secret));
  }
  const common::UniqueFd fd(::open(secret_file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return last_error();
  }
  std::string contents;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return last_error();
    }
    if (n == 0) {
      break;
    }
    contents.append(buffer, static_cast<std::size_t>(n));
    if (contents.size() > kMaxSecretFile) {
      return boost::system::error_code(EFBIG, boost::system::system_category());
    }
  }
  return trim_trailing_space(std::move(contents));
}

}  // namespace feedd::daemon
