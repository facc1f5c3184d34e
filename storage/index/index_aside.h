// Moving an unusable index out of the way so that a fresh one can be built in its place:
// the database file and its -wal and -shm companions are renamed, in the same directory,
// to "<name>.corrupt-<UTC time>" (plus "-wal"/"-shm"), kept for inspection. Close every
// connection to the index first. Not thread-safe with anything else using those files.
// Fails (errno) when the database file itself cannot be renamed; nothing is deleted.
#pragma once

#include <boost/system/result.hpp>
#include <chrono>
#include <filesystem>

namespace feedd::storage {

// "index.sqlite.corrupt-20261129T123456Z" for `index` = ".../index.sqlite" at `now`.
std::filesystem::path corrupt_index_name(const std::filesystem::path& index,
                                         std::chrono::sys_seconds now);

// Renames `index` (and its -wal and -shm files, when present) to corrupt_index_name(), or,
// when that name is taken, to the same name with ".2", ".3", ... appended, and syncs the
// directory. Returns the new name of the database file.
boost::system::result<std::filesystem::path> move_index_aside(const std::filesystem::path& index,
                                                              std::chrono::sys_seconds now);

}  // namespace feedd::storage
