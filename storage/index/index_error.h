// How the SQLite index fails, and what each failure means for the service. IndexError is
// the only exception storage/ lets out for SQLite failures (SQLite::Exception never leaves
// storage/); its fault() says whether the file must be replaced, whether the state
// directory refuses writes, or neither. Plain values: thread-safe to copy and read.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace feedd::storage {

enum class IndexFault {
  // Anything else (a lock held too long, a bug): report it; the file is kept.
  other,
  // The file is not a usable index: corrupt, truncated, not a database, of a schema this
  // feedd does not know, or unreadable. The index is a cache: move it aside and rebuild.
  unusable,
  // The index cannot be written: disk full, read-only or unwritable state directory, I/O
  // error. The file is fine; keep serving what was built and try again later.
  not_writable,
};

class IndexError : public std::runtime_error {
 public:
  // `what`: what was being done and why it failed; `cause`: the bare reason ("database or
  // disk is full"), stable across the operations that meet it (default: `what`).
  explicit IndexError(const std::string& what, IndexFault fault = IndexFault::other,
                      std::string cause = {})
      : std::runtime_error(what),
        fault_(fault),
        cause_(cause.empty() ? std::string(what) : std::move(cause)) {}
  IndexFault fault() const noexcept { return fault_; }
  const std::string& cause() const noexcept { return cause_; }

 private:
  IndexFault fault_;
  std::string cause_;
};

// The fault an SQLite extended result code means (SQLITE_CORRUPT, SQLITE_NOTADB and read
// errors: unusable; SQLITE_FULL, SQLITE_READONLY, SQLITE_CANTOPEN, other I/O errors:
// not_writable; everything else: other).
IndexFault fault_of_sqlite_code(int extended_code);

// The fault of a failure to open or check the index at `path`: as above, except that a path
// that exists but cannot be read as a file (a directory, no permission, I/O error) and a
// database whose schema cannot be read or migrated are unusable.
IndexFault fault_of_open_failure(const std::filesystem::path& path, int extended_code);

}  // namespace feedd::storage
