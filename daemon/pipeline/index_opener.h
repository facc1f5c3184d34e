// Opening the index so that the service always comes up. An unusable index (corrupt,
// truncated, not a database, a future schema, unreadable) is moved aside to
// "<index>.corrupt-<UTC time>" and a fresh one created, to be rebuilt from the store; a
// state directory that refuses writes gives a read-only view of the existing index, else a
// temporary one (a file SQLite deletes as it opens it, in $TMPDIR, /var/tmp or /tmp: memory
// bounded at any store size, unlike ":memory:", which held ~5 GB at a million posts). Each step is
// logged (errors name both paths and the reason). Runs on the control thread. Throws
// storage::IndexError only for faults that are neither (see storage/index/index_error.h), as a
// start-up error.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "storage/index/index.h"

namespace feedd::daemon {

struct OpenedIndex {
  std::unique_ptr<storage::Index> index;
  // Empty when `index` is the real one, writable; else why a fallback (a read-only view of
  // the real file, or a temporary index) is used instead.
  std::string not_writable;
  // Where an unusable index was moved; the new index is then empty (scan the whole store).
  std::optional<std::filesystem::path> moved_aside;
  // The fallback is a temporary index (see temporary_index()).
  bool temporary = false;
};

// The stand-in for an index that cannot be written: a private temporary file (""), logged as
// such with `reason`, why the index at `path` cannot be used; an in-memory index (temporary
// false) when not even that can be made.
OpenedIndex temporary_index(const std::filesystem::path& path, const std::string& base_url,
                            std::string reason);

OpenedIndex open_index(const std::filesystem::path& path, const std::string& base_url,
                       std::chrono::sys_seconds now);

// After `error` (IndexFault::unusable) came from the index at `path` in use: with every
// connection to it closed, moves it aside and opens a fresh one (or a fallback).
OpenedIndex replace_unusable_index(const std::filesystem::path& path, const std::string& base_url,
                                   const storage::IndexError& error, std::chrono::sys_seconds now);

}  // namespace feedd::daemon
