#include "daemon/http/snapshot_store.h"

namespace feedd::daemon {

SnapshotStore::SnapshotStore(std::shared_ptr<const feeds::Snapshot> first)
    : current_(std::move(first)) {}

std::shared_ptr<const feeds::Snapshot> SnapshotStore::load() const {
  return current_.load(std::memory_order_acquire);
}

void SnapshotStore::publish(std::shared_ptr<const feeds::Snapshot> next) {
  current_.store(std::move(next), std::memory_order_release);
}

}  // namespace feedd::daemon
