#include "storage/store_root.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace feedd::storage {

std::optional<StoreRoot> store_root_of(const std::filesystem::path& root) {
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return StoreRoot{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

std::string describe(const StoreRoot& root) {
  const auto device = static_cast<dev_t>(root.device);
  return "device " + std::to_string(major(device)) + ":" + std::to_string(minor(device)) +
         ", inode " + std::to_string(root.inode);
}

}  // namespace feedd::storage
