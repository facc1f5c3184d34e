#include "daemon/http/snapshot_store.h"

namespace feedd::daemon {

SnapshotStore::SnapshotStore(std::shared_ptr<const feeds::Snapshot> first)
    : current_(std::move(first)) {}

std::shared_ptr<const feeds::Snapshot> SnapshotStore::load() const {
  return current_.load(std::memory_order_acquire);
}

void SnapshotStore::publish(std::shared_ptr<const feeds::Snapshot> next) {
  auto previous = current_.exchange(next, std::memory_order_acq_rel);
  if (listener_ && previous && next) {
    listener_(*previous, *next);
  }
}

}  // namespace feedd::daemon
