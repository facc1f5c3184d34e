// Holds the snapshot being served. Readers load() once per request and keep the pointer
// while they write the response; the writer publish()es a new one atomically and the old
// snapshot dies with its last reader. Thread-safe; a load() waits on a publish() at most for
// a pointer swap (common/shared_slot.h says why it is a mutex).
#pragma once

#include <functional>
#include <memory>

#include "common/shared_slot.h"
#include "feeds/snapshot.h"

namespace feedd::daemon {

class SnapshotStore {
 public:
  explicit SnapshotStore(std::shared_ptr<const feeds::Snapshot> first);

  std::shared_ptr<const feeds::Snapshot> load() const;
  void publish(std::shared_ptr<const feeds::Snapshot> next);

  // Called by publish() with the replaced and the new snapshot, on the publishing thread
  // (the control thread); must only queue work. Set before the first publish().
  using Listener =
      std::function<void(const feeds::Snapshot& previous, const feeds::Snapshot& next)>;
  void set_listener(Listener listener) { listener_ = std::move(listener); }

 private:
  common::SharedSlot<feeds::Snapshot> current_;
  Listener listener_;  // fixed before publishing starts
};

}  // namespace feedd::daemon
