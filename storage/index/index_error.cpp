#include "storage/index/index_error.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace feedd::storage {
namespace {

// Whether `path` exists but cannot be opened and read as a regular file.
bool exists_unreadable(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return false;
  }
  if (!std::filesystem::is_regular_file(status)) {
    return true;
  }
  const common::UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return true;
  }
  char byte = 0;
  return read(fd.get(), &byte, 1) < 0;
}

}  // namespace

IndexFault fault_of_sqlite_code(int extended_code) {
  switch (extended_code) {
    case SQLITE_IOERR_READ:
    case SQLITE_IOERR_SHORT_READ:
      return IndexFault::unusable;
    default:
      break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return IndexFault::unusable;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return IndexFault::not_writable;
    default:
      return IndexFault::other;
  }
}

IndexFault fault_of_open_failure(const std::filesystem::path& path, int extended_code) {
  switch (extended_code & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
      if (exists_unreadable(path)) {
        return IndexFault::unusable;
      }
      break;
    case SQLITE_ERROR:  // the schema names what is not there, or a migration cannot run
    case SQLITE_SCHEMA:
    case SQLITE_FORMAT:
    case SQLITE_MISMATCH:
    case SQLITE_CONSTRAINT:
      return IndexFault::unusable;
    default:
      break;
  }
  return fault_of_sqlite_code(extended_code);
}

}  // namespace feedd::storage
