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

// Writes `bytes` to a temporary beside `path` and names it, unless `path` already holds them
// (nullopt).
boost::system::result<std::optional<std::filesystem::path>> write_temporary(
    const std::filesystem::path& path, std::string_view bytes) {
  using Result = boost::system::result<std::optional<std::filesystem::path>>;
  auto fail = [](int error) -> Result {
    return {boost::system::in_place_error, error, boost::system::system_category()};
  };
  if (holds(path, bytes)) {
    return std::optional<std::filesystem::path>();
  }
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return fail(ec.value());
  }
  auto temporary = temporary_name(path);
  common::UniqueFd fd(open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
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
      unlink(temporary.c_str());
      return fail(error);
    }
    done += static_cast<std::size_t>(n);
  }
  // close() can report a write-back failure, so it is checked (fd gives it up first).
  if (close(fd.release()) != 0) {
    const int error = errno;
    unlink(temporary.c_str());
    return fail(error);
  }
  return std::optional<std::filesystem::path>(std::move(temporary));
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

StagedFiles::~StagedFiles() {
  for (const Staged& file : staged_) {
    unlink(file.temporary.c_str());
  }
}

boost::system::result<int> StagedFiles::stage(const std::vector<feeds::RenderedFeed>& feeds) {
  const std::size_t before = staged_.size();
  const std::uint64_t bytes_before = bytes_;
  for (const auto& feed : feeds) {
    auto path = dir_ / output_file(feed.path);
    written_in_.insert(path.parent_path());
    auto written = write_temporary(path, feed.body);
    if (!written) {
      for (std::size_t i = before; i < staged_.size(); ++i) {
        unlink(staged_[i].temporary.c_str());
      }
      staged_.resize(before);
      bytes_ = bytes_before;
      return {boost::system::in_place_error, written.error()};
    }
    if (*written) {
      staged_.push_back({std::move(**written), std::move(path)});
      bytes_ += feed.body.size();
    }
  }
  return static_cast<int>(staged_.size() - before);
}

boost::system::result<void> StagedFiles::commit() {
  auto fail = [](int error) -> boost::system::result<void> {
    return {boost::system::in_place_error, error, boost::system::system_category()};
  };
  std::size_t renamed = 0;
  auto forget_staged = [&] {  // removing the temporaries not renamed
    for (std::size_t i = renamed; i < staged_.size(); ++i) {
      unlink(staged_[i].temporary.c_str());
    }
    staged_.clear();
    bytes_ = 0;
  };
  if (!staged_.empty()) {
    // One syncfs() of the output's file system for every file staged, not one fsync each.
    common::UniqueFd fs(open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fs || syncfs(fs.get()) != 0) {
      const int error = errno;
      forget_staged();
      return fail(error);
    }
    std::set<std::filesystem::path> renamed_in;
    for (; renamed < staged_.size(); ++renamed) {
      if (rename(staged_[renamed].temporary.c_str(), staged_[renamed].path.c_str()) != 0) {
        const int error = errno;
        forget_staged();
        return fail(error);
      }
      renamed_in.insert(staged_[renamed].path.parent_path());
    }
    for (const auto& directory : renamed_in) {
      common::sync_directory(directory);  // the renames survive a power cut
    }
    forget_staged();
  }
  for (const auto& directory : written_in_) {
    if (cleaned_.insert(directory).second) {
      remove_stale_temporaries(directory);
    }
  }
  written_in_.clear();
  return {};
}

boost::system::result<int> write_feeds(const std::filesystem::path& dir,
                                       const std::vector<feeds::RenderedFeed>& feeds) {
  StagedFiles files(dir);
  auto staged = files.stage(feeds);
  if (!staged) {
    return staged.error();
  }
  if (auto committed = files.commit(); !committed) {
    return committed.error();
  }
  return *staged;
}

}  // namespace feedd::daemon
