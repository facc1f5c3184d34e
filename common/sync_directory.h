// sync_directory: makes the entries of a directory durable (a rename or a new file in it
// survives a power cut once this returns). Thread-safe. Best effort: an fsync failure is
// ignored, because every caller has already written what it renames and can only go on.
#pragma once

#include <filesystem>

namespace feedd::common {

// fsync of `directory` (the current directory when empty).
void sync_directory(const std::filesystem::path& directory);

}  // namespace feedd::common
