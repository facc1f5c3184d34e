#include "daemon/pipeline/file_output.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "common/encoding.h"
#include "common/sync_directory.h"
#include "common/unique_fd.h"

namespace feedd::daemon {
namespace {

constexpr const char* kTemporaryMark = ".tmp-";

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

// ".atom.xml.tmp-<pid>" beside "atom.xml": hidden, and named for the process writing it.
std::filesystem::path temporary_name(const std::filesystem::path& path) {
  return path.parent_path() /
         ("." + path.filename().string() + kTemporaryMark + std::to_string(getpid()));
}

// Removes the temporary files that a killed writer left in `directory` (those of a process
// still running are its business).
void remove_stale_temporaries(const std::filesystem::path& directory) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    const auto name = entry.path().filename().string();
    const auto mark = name.rfind(kTemporaryMark);
    if (name.front() != '.' || mark == std::string::npos) {
      continue;
    }
    const long pid = std::strtol(name.c_str() + mark + std::strlen(kTemporaryMark), nullptr, 10);
    if (pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
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
  const auto temporary = temporary_name(path);
  common::UniqueFd fd(open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) {
    return failed(errno);
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      int error = errno;
      fd.reset();
      unlink(temporary.c_str());
      return failed(error);
    }
    done += static_cast<std::size_t>(n);
  }
  // close() reports a write-back failure here, so it is checked (fd gives it up first).
  if (fsync(fd.get()) != 0 || close(fd.release()) != 0) {
    int error = errno;
    unlink(temporary.c_str());
    return failed(error);
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    unlink(temporary.c_str());
    return failed(error);
  }
  common::sync_directory(path.parent_path());  // the rename itself survives a power cut
  return true;
}

std::filesystem::path output_file(std::string_view feed_path) {
  // Pages are directories on the web ("", "ja/"): their files are index.html.
  std::string file(feed_path);
  if (file.empty() || file.ends_with('/')) {
    file += "index.html";
  }
  // Topic segments never decode to '/', "." or "..": see common/topic_segment.h.
  return common::percent_decode(file).value_or(file);
}

boost::system::result<int> write_feeds(const std::filesystem::path& dir,
                                       const std::vector<feeds::RenderedFeed>& feeds) {
  int changed = 0;
  std::set<std::filesystem::path> directories;
  for (const auto& feed : feeds) {
    const auto file = output_file(feed.path);
    auto wrote = write_file_atomically(dir / file, feed.body);
    if (!wrote) {
      return {boost::system::in_place_error, wrote.error()};
    }
    changed += *wrote ? 1 : 0;
    directories.insert((dir / file).parent_path());
  }
  for (const auto& directory : directories) {
    remove_stale_temporaries(directory);
  }
  return changed;
}

}  // namespace feedd::daemon
