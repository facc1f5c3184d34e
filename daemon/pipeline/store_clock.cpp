#include "daemon/pipeline/store_clock.h"

#include <stdexcept>

#include "daemon/log.h"

namespace feedd::daemon {

std::unique_ptr<storage::GitChangeClock> open_store_clock(const Config::Store& store,
                                                          const storage::ReaderOptions& options) {
  if (store.updated_from == "seen") {
    log::info("store", "edit times: when feedd sees them (store.updated_from = \"seen\")");
    return nullptr;
  }
  std::string why;
  auto clock = storage::GitChangeClock::open(store.path, options, why);
  if (!clock) {
    if (store.updated_from == "git") {
      throw std::runtime_error("store.updated_from = \"git\", but " + why);
    }
    log::info("store", "edit times: when feedd sees them (not a git work tree: " + why + ")");
    return nullptr;
  }
  log::info("store",
            "edit times: from the commits of the git work tree " + clock->work_tree().string());
  return clock;
}

}  // namespace feedd::daemon
