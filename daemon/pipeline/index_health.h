// Whether the index can be written, as /healthz and /metrics report it. The control thread
// records each scan's outcome; any thread reads the state (counters are atomics, the reason an
// immutable string swapped in a SharedSlot). Recording returns whether the state changed, so
// that the caller logs a change once instead of every retry. Owned by Metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/shared_slot.h"

namespace feedd::daemon {

class IndexHealth {
 public:
  // An index write failed, or the index in use is a read-only or in-memory fallback, for
  // `reason`. Counts a write error; true when the state or the reason changed.
  bool set_not_writable(const std::string& reason);
  // A scan reached the index: true when it was not writable before.
  bool set_writable();
  // An unusable index was moved aside and rebuilt.
  void count_recovery() { recoveries_.fetch_add(1, std::memory_order_relaxed); }

  bool writable() const { return reason_.empty(); }
  // "ok", or "degraded: index not writable: <reason>".
  std::string detail() const;
  std::uint64_t write_errors() const { return write_errors_.load(std::memory_order_relaxed); }
  std::uint64_t recoveries() const { return recoveries_.load(std::memory_order_relaxed); }

 private:
  common::SharedSlot<std::string> reason_;  // null while writable
  std::atomic<std::uint64_t> write_errors_{0};
  std::atomic<std::uint64_t> recoveries_{0};
};

}  // namespace feedd::daemon
