// Which directory the post store's root is. A file system unmounted behind feedd's back
// leaves its mount point behind: an empty directory at store.path, on the file system
// beneath. Read as the store, it says every post was deleted. The index remembers the root
// it last scanned (Index::store_root), so a scan can tell "the store went away" (another
// directory, holding no post file) from "its posts were deleted" (the same one, emptied).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace feedd::storage {

// A directory's identity: its device and inode (stat(2)'s st_dev and st_ino). A mount
// point's directory differs from the root of what is mounted on it, bind mounts included
// (their root is the inode bound), while a file system mounted again keeps its root inode.
struct StoreRoot {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  bool operator==(const StoreRoot&) const = default;
};

// `root` as stat(2) sees it, a symbolic link followed (store.path may be one); nullopt when
// it cannot be stat'ed.
std::optional<StoreRoot> store_root_of(const std::filesystem::path& root);

// "device 8:17, inode 2", for messages.
std::string describe(const StoreRoot& root);

}  // namespace feedd::storage
