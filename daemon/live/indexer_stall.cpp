#include "daemon/live/indexer_stall.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "daemon/log.h"

namespace feedd::daemon {

void stall_indexer_if_asked() {
  static const std::string path = [] {
    const char* value = std::getenv("FEEDD_TEST_STALL_INDEXER");
    return std::string(value != nullptr ? value : "");
  }();
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) {
    return;
  }
  log::warning("test", "FEEDD_TEST_STALL_INDEXER: " + path +
                           " exists: the indexer stalls until it is removed");
  while (std::filesystem::exists(path, ec)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  log::warning("test", "FEEDD_TEST_STALL_INDEXER: " + path + " removed: the indexer goes on");
}

}  // namespace feedd::daemon
