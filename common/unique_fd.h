// UniqueFd: sole owner of a POSIX file descriptor, closed when the owner goes away. Move-only;
// -1 means "none". Not thread-safe (one owner, one thread at a time). close() errors are
// ignored: by then the descriptor is gone either way, and every caller here reads or only
// seals what it closes.
#pragma once

#include <unistd.h>

#include <utility>

namespace feedd::common {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives the descriptor up without closing it.
  int release() { return std::exchange(fd_, -1); }

  // Closes the descriptor held (if any) and holds `fd` instead.
  void reset(int fd = -1) {
    const int old = std::exchange(fd_, fd);
    if (old >= 0 && old != fd) {
      ::close(old);
    }
  }

 private:
  int fd_ = -1;
};

}  // namespace feedd::common
