#include "daemon/pipeline/index_health.h"

#include <memory>

namespace feedd::daemon {

bool IndexHealth::set_not_writable(const std::string& reason) {
  write_errors_.fetch_add(1, std::memory_order_relaxed);
  const auto previous = reason_.load();
  if (previous && *previous == reason) {
    return false;
  }
  reason_.exchange(std::make_shared<const std::string>(reason));
  return true;
}

bool IndexHealth::set_writable() { return reason_.exchange(nullptr) != nullptr; }

std::string IndexHealth::detail() const {
  const auto reason = reason_.load();
  return reason ? "degraded: index not writable: " + *reason : std::string("ok");
}

}  // namespace feedd::daemon
