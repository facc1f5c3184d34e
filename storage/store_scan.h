// One scan of the post store into the index: walks store.path, reads only the files whose
// size or mtime changed (and, of those, parses only the ones whose bytes changed), and
// applies everything in one index transaction. Not thread-safe (it drives one Index).
// Problems with post files are returned, never thrown; an IndexError (SQLite failure) is.
// A file larger than options.max_file_bytes (by its stat) is a problem and is not read.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>

#include "storage/index/index.h"
#include "storage/problem.h"
#include "storage/readers/reader_options.h"

namespace feedd::storage {

struct ScanReport {
  int files_seen = 0;               // post files found in the store
  int files_read = 0;               // of those, read because their stat changed
  int files_parsed = 0;             // of those, parsed because their bytes changed
  ApplyResult applied;              // posts added / changed / deleted, duplicate-key problems
  std::vector<Problem> unreadable;  // post files that could not be read, listings that failed
  // Subdirectories that could not be read (skipped: their indexed files are kept). Said, but
  // no post file's problem: a store on its own file system has a lost+found only root reads.
  std::vector<Problem> skipped_directories;
  // store.path does not exist or is not a directory, or is a directory other than the one the
  // index recorded and holds no post file (an unmounted file system's mount point, see
  // store_root.h). The reason is the first of `unreadable`.
  bool store_missing = false;
  // The scan found store.path another directory than the index recorded, holding post files,
  // and took it as the store (recorded it).
  bool root_changed = false;
  // The listing stopped early (a directory iterator error such as EMFILE or EIO, or a store
  // directory it may not read): no indexed file counts as removed by this scan, since the
  // ones not listed may only be out of sight.
  bool listing_incomplete = false;
};

// Where a scan is, as its ScanProgress hears it.
struct ScanStep {
  enum class Phase { listing, reading };
  Phase phase = Phase::listing;
  std::size_t done = 0;   // listing: post files found so far; reading: files read and applied
  std::size_t total = 0;  // reading: the files to read; listing: 0 (not known yet)
};

// Called on the scanning thread every kListingStep directory entries listed (and as many
// index rows compared with the listing), and each time a chunk of the files to read (1,024)
// is read and applied. A scan of a million files takes minutes: listing them alone takes
// seconds, longer on a cold or remote disk. This is its sign of life for whoever watches the
// thread (systemd's watchdog, a start-up status line).
using ScanProgress = std::function<void(const ScanStep&)>;
inline constexpr std::size_t kListingStep = 4096;

// Scans the whole store. A missing store changes nothing in the index (nothing is deleted
// because a mount went away) and sets store_missing. Records the store's root directory in
// the index when it is new or changed (Index::store_root).
// `clock` (borrowed, may be null) dates changes from the store's history (index.h apply());
// the files whose history moved since its last scan are parsed again even if unchanged.
ScanReport scan_store(Index& index, const std::filesystem::path& root, const ReaderOptions& options,
                      std::chrono::sys_seconds now, ChangeClock* clock = nullptr,
                      const ScanProgress& progress = {});

// Scans only `watched` (relative to root; files or directories, as a watcher reports them): a
// file that exists is read if its stat changed; a directory that exists is scanned whole (it
// may have been moved in); a path that no longer exists removes the file, or every indexed
// file under it. Same transaction and problem rules as scan_store. When store.path is not
// the directory the index recorded, this is scan_store: what the paths named was another
// tree's.
ScanReport scan_paths(Index& index, const std::filesystem::path& root,
                      const std::vector<std::string>& watched, const ReaderOptions& options,
                      std::chrono::sys_seconds now, ChangeClock* clock = nullptr,
                      const ScanProgress& progress = {});

}  // namespace feedd::storage
