#include "storage/index/fresh_index.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <system_error>

#include "common/sync_directory.h"
#include "common/unique_fd.h"

namespace feedd::storage {
namespace {

// The new file with no journal has no companion; a -journal or -wal beside it is left by a
// process that opened it some other way, and would be applied to the new file.
constexpr std::initializer_list<const char*> kFileAndCompanions = {"", "-journal", "-wal", "-shm"};
// What SQLite keeps beside a database in WAL mode.
constexpr std::initializer_list<const char*> kWalCompanions = {"-wal", "-shm"};

// Removes `file` + each of `suffixes` that exists.
void remove_files(const std::filesystem::path& file, std::initializer_list<const char*> suffixes) {
  for (const char* suffix : suffixes) {
    std::error_code ignored;  // absent is the usual case
    std::filesystem::remove(file.string() + suffix, ignored);
  }
}

[[noreturn]] void fail(const std::filesystem::path& file, const char* doing, int error) {
  const std::string cause = std::strerror(error);
  throw IndexError(file.string() + ": cannot " + doing + " the new index: " + cause,
                   IndexFault::not_writable, cause);
}

// `path`, or the file it links to: the index lives where the link points.
std::filesystem::path followed(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(path, ec)) {
    return path;
  }
  auto target = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : target;
}

}  // namespace

std::filesystem::path FreshIndex::staging_path(const std::filesystem::path& path) {
  return followed(path).string() + ".new";
}

common::UniqueFd FreshIndex::lock_first_scans(const std::filesystem::path& path) {
  auto directory = followed(path).parent_path();
  if (directory.empty()) {
    directory = ".";
  }
  common::UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) {
    while (::flock(fd.get(), LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  return fd;
}

FreshIndex::FreshIndex(const std::filesystem::path& path, std::string base_url,
                       common::UniqueFd lock)
    : lock_(std::move(lock)), path_(followed(path)), staging_(staging_path(path)) {
  remove_files(staging_, kFileAndCompanions);
  index_ = std::make_unique<Index>(staging_, std::move(base_url), Index::Mode::write_once);
}

FreshIndex::~FreshIndex() {
  if (!published_) {
    index_.reset();
    remove_files(staging_, kFileAndCompanions);
  }
}

void FreshIndex::publish() {
  index_.reset();  // its last commit wrote every page
  // SQLite synced the file at that commit (synchronous = NORMAL); synced here again so that
  // the rename below can never make a file whose pages are not all on disk the index.
  const common::UniqueFd file(::open(staging_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file || ::fsync(file.get()) != 0) {
    fail(staging_, "sync", errno);
  }
  // A -wal or -shm of the index replaced belongs to the old file: the next open must not
  // apply it to this one. The last connection to close removes both, so they are gone unless
  // that connection was killed. Removed before the rename: after it, one could be a live
  // companion of the new file.
  remove_files(path_, kWalCompanions);
  if (std::rename(staging_.c_str(), path_.c_str()) != 0) {
    fail(path_, "rename into place", errno);
  }
  published_ = true;
  common::sync_directory(path_.parent_path());
}

}  // namespace feedd::storage
