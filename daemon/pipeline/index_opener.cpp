#include "daemon/pipeline/index_opener.h"

#include "daemon/log.h"
#include "storage/index/index_aside.h"

namespace feedd::daemon {
namespace {

constexpr std::string_view kIndexChannel = "index";

using storage::Index;
using storage::IndexError;
using storage::IndexFault;

// The state directory refuses writes: read the index as it is, or rebuild it in a temporary one.
OpenedIndex fallback(const std::filesystem::path& path, const std::string& base_url,
                     const std::string& reason) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    try {
      auto index = std::make_unique<Index>(path, base_url, Index::Mode::read_only);
      log::error(kIndexChannel, path.string() + ": the index is not writable (" + reason +
                                    "); serving it read-only: changes to the store wait until it "
                                    "can be written");
      return {std::move(index), reason, std::nullopt, false};
    } catch (const IndexError& error) {
      log::warning(kIndexChannel, std::string("cannot read it either: ") + error.what());
    }
  }
  return temporary_index(path, base_url, "the index cannot be written (" + reason + ")");
}

}  // namespace

OpenedIndex temporary_index(const std::filesystem::path& path, const std::string& base_url,
                            std::string reason) {
  log::error(kIndexChannel,
             path.string() + ": " + reason +
                 "; serving from a temporary index rebuilt from the store (a file deleted as "
                 "it is made, in $TMPDIR, /var/tmp or /tmp) until the index can be written");
  try {
    return {std::make_unique<Index>("", base_url), std::move(reason), std::nullopt, true};
  } catch (const IndexError& error) {
    // Not even a temporary file: memory is what is left, never no index at all (every caller
    // has given up its connection by now).
    log::error(kIndexChannel, std::string("the temporary index cannot be made either (") +
                                  error.what() + "): serving from an in-memory index instead");
    return {std::make_unique<Index>(":memory:", base_url), std::move(reason), std::nullopt, false};
  }
}

OpenedIndex open_index(const std::filesystem::path& path, const std::string& base_url,
                       std::chrono::sys_seconds now) {
  try {
    return {std::make_unique<Index>(path, base_url), "", std::nullopt, false};
  } catch (const IndexError& error) {
    if (error.fault() == IndexFault::unusable) {
      return replace_unusable_index(path, base_url, error, now);
    }
    if (error.fault() == IndexFault::not_writable && path != ":memory:") {
      return fallback(path, base_url, error.cause());
    }
    throw;
  }
}

OpenedIndex replace_unusable_index(const std::filesystem::path& path, const std::string& base_url,
                                   const IndexError& error, std::chrono::sys_seconds now) {
  if (path == ":memory:") {
    throw error;  // nothing to move: a bug, not a file
  }
  auto moved = storage::move_index_aside(path, now);
  if (!moved) {
    return temporary_index(path, base_url,
                           std::string("the index is unusable (") + error.what() +
                               ") and cannot be moved aside: " + moved.error().message());
  }
  log::error(kIndexChannel,
             path.string() + " is unusable (" + error.cause() + "): moved it aside to " +
                 moved->string() +
                 " and rebuilding the index from the store (ids are kept; first-seen "
                 "and updated times restart from the posts' own dates)");
  try {
    return {std::make_unique<Index>(path, base_url), "", *moved, false};
  } catch (const IndexError& again) {
    if (again.fault() == IndexFault::other) {
      throw;
    }
    OpenedIndex opened = temporary_index(path, base_url, again.what());
    opened.moved_aside = *moved;
    return opened;
  }
}

}  // namespace feedd::daemon
