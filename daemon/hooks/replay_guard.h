// Remembers recently seen webhook delivery ids so that a repeated one is refused.
// Thread-safe: one mutex around every call (webhooks are not a hot path). Bounded: each id is
// forgotten after its own time-to-live, and when `capacity` ids are held the one that would
// expire first is forgotten early. Time is passed in (tests use a fixed clock); never fails.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace feedd::daemon {

class ReplayGuard {
 public:
  using Clock = std::chrono::system_clock;
  static constexpr std::size_t kDefaultCapacity = 10'000;

  explicit ReplayGuard(std::size_t capacity = kDefaultCapacity);

  // Records `id` until now + ttl and returns true when it is new (not seen, or seen but
  // already expired); returns false, changing nothing, while a previous record holds.
  bool remember(std::string_view id, std::chrono::seconds ttl, Clock::time_point now);

  // Whether `id` is held at `now`, without recording it.
  bool contains(std::string_view id, Clock::time_point now) const;
  std::size_t size() const;

 private:
  void forget_expired(Clock::time_point now);  // requires mutex_

  // Fixed after construction.
  const std::size_t capacity_;

  // Guarded by mutex_. Each id appears once in both maps.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> expiry_by_id_;
  std::multimap<Clock::time_point, std::string> ids_by_expiry_;
};

}  // namespace feedd::daemon
