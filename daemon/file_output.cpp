#include "daemon/file_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace feedd::daemon {
namespace {

// result<bool> does not convert from error_code implicitly (error_code converts to bool).
boost::system::result<bool> failed(int error) {
  return {boost::system::in_place_error, error, boost::system::system_category()};
}

bool holds(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) != bytes.size() || ec) {
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream current;
  current << in.rdbuf();
  return in && current.str() == bytes;
}

}  // namespace

boost::system::result<bool> write_file_atomically(const std::filesystem::path& path,
                                                  std::string_view bytes) {
  if (holds(path, bytes)) {
    return false;
  }
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return failed(ec.value());
  }
  auto temporary = path;
  temporary += ".tmp-" + std::to_string(getpid());
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return failed(errno);
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      int error = errno;
      close(fd);
      unlink(temporary.c_str());
      return failed(error);
    }
    done += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int error = errno;
    unlink(temporary.c_str());
    return failed(error);
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    unlink(temporary.c_str());
    return failed(error);
  }
  return true;
}

boost::system::result<int> write_feeds(const std::filesystem::path& dir,
                                       const std::vector<feeds::RenderedFeed>& feeds) {
  int changed = 0;
  for (const auto& feed : feeds) {
    // Pages are directories on the web ("", "ja/"): their files are index.html.
    auto file = feed.path.empty() || feed.path.ends_with('/') ? feed.path + "index.html"
                                                              : feed.path;
    auto wrote = write_file_atomically(dir / file, feed.body);
    if (!wrote) {
      return {boost::system::in_place_error, wrote.error()};
    }
    changed += *wrote ? 1 : 0;
  }
  return changed;
}

}  // namespace feedd::daemon
