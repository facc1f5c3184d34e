// A new index filled by one scan beside the place it goes, then renamed into it: SQLite writes
// such an index once, with no journal, instead of twice (into the WAL, then again by the
// checkpoint): a cold build of 100,000 posts 12.4 → 10.4 s (bench/RESULTS.md, "a new index
// written once"). Until publish() the file at `path` is untouched, so a failure or a killed
// process leaves the index as it was plus "<path>.new", which the next FreshIndex removes.
// Not thread-safe; one FreshIndex per index path at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/unique_fd.h"
#include "storage/index/index.h"

namespace feedd::storage {

class FreshIndex {
 public:
  // Waits until no other FreshIndex of `path`, in any process, is being written, and keeps
  // the others waiting while the lock returned is held (flock on the index's directory):
  // two processes would write the same "<path>.new". Check that the index is still new
  // after it returns: another process may have published its own meanwhile. An invalid
  // descriptor when the directory cannot be opened (then creating the file fails too).
  static common::UniqueFd lock_first_scans(const std::filesystem::path& path);

  // Creates "<path>.new" (Index::Mode::write_once), removing a stale one first; `lock` (from
  // lock_first_scans) is held until this is gone. A symbolic link at `path` is followed: the
  // file it names is replaced, in its own directory. Throws IndexError as Index's
  // constructor does.
  FreshIndex(const std::filesystem::path& path, std::string base_url, common::UniqueFd lock);
  // Removes the file unless published.
  ~FreshIndex();
  FreshIndex(const FreshIndex&) = delete;
  FreshIndex& operator=(const FreshIndex&) = delete;

  // The new index, to be written: one scan, which commits. Valid until publish().
  Index& index() { return *index_; }

  // Closes the new index, makes it durable, renames it over `path` and syncs the directory:
  // the index at `path` is then the new one, and opening it sets WAL mode. Every connection
  // to `path` must be closed first: another would go on reading the old file (SQLite's
  // "renaming a database while in use"). Throws IndexError (not_writable) when the file
  // cannot be synced or renamed; the index at `path` is then as it was.
  void publish();

  // "<path>.new", `path` a symbolic link followed.
  static std::filesystem::path staging_path(const std::filesystem::path& path);

 private:
  common::UniqueFd lock_;
  std::filesystem::path path_;  // a symbolic link followed
  std::filesystem::path staging_;
  std::unique_ptr<Index> index_;
  bool published_ = false;
};

}  // namespace feedd::storage
