#include "daemon/http/snapshot_store.h"

namespace feedd::daemon {

SnapshotStore::SnapshotStore(std::shared_ptr<const feeds::Snapshot> first)
    : current_(std::move(first)) {}

std::shared_ptr<const feeds::Snapshot> SnapshotStore::load() const { return current_.load(); }

void SnapshotStore::publish(std::shared_ptr<const feeds::Snapshot> next) {
  // current_ keeps `next` alive through the listener: publish() has one caller at a time.
  const feeds::Snapshot* incoming = next.get();
  auto previous = current_.exchange(std::move(next));
  if (listener_ && previous && incoming != nullptr) {
    listener_(*previous, *incoming);
  }
}

}  // namespace feedd::daemon
