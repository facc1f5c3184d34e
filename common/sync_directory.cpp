#include "common/sync_directory.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace feedd::common {

void sync_directory(const std::filesystem::path& directory) {
  const UniqueFd fd(
      open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) {
    fsync(fd.get());
  }
}

}  // namespace feedd::common
