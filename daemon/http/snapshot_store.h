// Holds the snapshot being served. Readers load() once per request and keep the pointer
// while they write the response; the writer publish()es a new one atomically and the old
// snapshot dies with its last reader. Thread-safe; load() never blocks on a publish().
#pragma once

#include <atomic>
#include <memory>

#include "feeds/snapshot.h"

namespace feedd::daemon {

class SnapshotStore {
 public:
  explicit SnapshotStore(std::shared_ptr<const feeds::Snapshot> first);

  std::shared_ptr<const feeds::Snapshot> load() const;
  void publish(std::shared_ptr<const feeds::Snapshot> next);

 private:
  std::atomic<std::shared_ptr<const feeds::Snapshot>> current_;
};

}  // namespace feedd::daemon
