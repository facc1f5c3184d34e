#include "storage/index/index_aside.h"

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <string>

#include "common/sync_directory.h"

namespace feedd::storage {
namespace {

boost::system::result<std::filesystem::path> failed(int error) {
  return {boost::system::in_place_error, error, boost::system::system_category()};
}

std::filesystem::path with_suffix(std::filesystem::path path, const char* suffix) {
  path += suffix;
  return path;
}

}  // namespace

std::filesystem::path corrupt_index_name(const std::filesystem::path& index,
                                         std::chrono::sys_seconds now) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return with_suffix(index, (std::string(".corrupt-") + stamp).c_str());
}

boost::system::result<std::filesystem::path> move_index_aside(const std::filesystem::path& index,
                                                              std::chrono::sys_seconds now) {
  const auto base = corrupt_index_name(index, now);
  auto target = base;
  std::error_code ec;
  for (int n = 2;
       std::filesystem::symlink_status(target, ec).type() != std::filesystem::file_type::not_found;
       ++n) {
    target = with_suffix(base, ("." + std::to_string(n)).c_str());
  }
  if (std::rename(index.c_str(), target.c_str()) != 0) {
    return failed(errno);
  }
  // The companions follow their database; a missing one is the usual case, not an error.
  for (const char* companion : {"-wal", "-shm"}) {
    const auto from = with_suffix(index, companion);
    if (std::rename(from.c_str(), with_suffix(target, companion).c_str()) != 0 && errno != ENOENT) {
      std::filesystem::remove(from, ec);  // a stale companion must not meet the fresh index
    }
  }
  common::sync_directory(index.parent_path());
  return target;
}

}  // namespace feedd::storage
