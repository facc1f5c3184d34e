#include "daemon/pipeline/file_output.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "common/encoding.h"
#include "common/sync_directory.h"
#include "common/unique_fd.h"

namespace feedd::daemon {
namespace {

constexpr const char* kTemporaryMark = ".tmp-";

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

// A file written beside its final name, not yet durable nor in place.
struct Staged {
  std::filesystem::path temporary;
  std::filesystem::path path;
};

// Writes `bytes` to a temporary beside `path`, unless `path` already holds them (nullopt).
boost::system::result<std::optional<Staged>> stage(const std::filesystem::path& path,
                                                   std::string_view bytes) {
  using Result = boost::system::result<std::optional<Staged>>;
  auto fail = [](int error) -> Result {
    return {boost::system::in_place_error, error, boost::system::system_category()};
  };
  if (holds(path, bytes)) {
    return std::optional<Staged>();
  }
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return fail(ec.value());
  }
  Staged staged{temporary_name(path), path};
  common::UniqueFd fd(
      open(staged.temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) {
    return fail(errno);
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int error = errno;
      fd.reset();
      unlink(staged.temporary.c_str());
      return fail(error);
    }
    done += static_cast<std::size_t>(n);
  }
  // close() can report a write-back failure, so it is checked (fd gives it up first).
  if (close(fd.release()) != 0) {
    const int error = errno;
    unlink(staged.temporary.c_str());
    return fail(error);
  }
  return std::optional<Staged>(std::move(staged));
}

// Makes the staged files durable, then renames each into place; on failure removes the
// temporaries not renamed. Returns 0 or the errno of the failure.
int commit(const std::filesystem::path& dir, const std::vector<Staged>& staged) {
  std::size_t renamed = 0;
  auto fail = [&](int error) {
    for (std::size_t i = renamed; i < staged.size(); ++i) {
      unlink(staged[i].temporary.c_str());
    }
    return error;
  };
  if (staged.empty()) {
    return 0;
  }
  common::UniqueFd fs(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fs || syncfs(fs.get()) != 0) {
    return fail(errno);
  }
  for (; renamed < staged.size(); ++renamed) {
    if (rename(staged[renamed].temporary.c_str(), staged[renamed].path.c_str()) != 0) {
      return fail(errno);
    }
  }
  return 0;
}

}  // namespace

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
                                       const std::vector<feeds::RenderedFeed>& feeds,
                                       std::set<std::filesystem::path>* cleaned) {
  std::vector<Staged> staged;
  std::set<std::filesystem::path> directories;
  for (const auto& feed : feeds) {
    const auto path = dir / output_file(feed.path);
    directories.insert(path.parent_path());
    auto written = stage(path, feed.body);
    if (!written) {
      for (const auto& file : staged) {
        unlink(file.temporary.c_str());
      }
      return {boost::system::in_place_error, written.error()};
    }
    if (*written) {
      staged.push_back(std::move(**written));
    }
  }
  if (const int error = commit(dir, staged); error != 0) {
    return {boost::system::in_place_error, error, boost::system::system_category()};
  }
  std::set<std::filesystem::path> renamed_in;
  for (const auto& file : staged) {
    renamed_in.insert(file.path.parent_path());
  }
  for (const auto& directory : renamed_in) {
    common::sync_directory(directory);  // the renames survive a power cut
  }
  for (const auto& directory : directories) {
    if (cleaned == nullptr || cleaned->insert(directory).second) {
      remove_stale_temporaries(directory);
    }
  }
  return static_cast<int>(staged.size());
}

}  // namespace feedd::daemon
