// Polite polling (SPEC "Polite polling"): remembers when each client last fetched each feed
// path without validators, and tells how long a too-early unconditional refetch must wait.
// Memory is bounded and allocated once, at construction: `capacity` clients (the least
// recently seen forgotten first), each with its kPathsPerClient most recent paths (a client
// polling more feeds than that is remembered for the most recent ones only). check() takes
// no allocation: it is on the path of every unconditional 200. Thread-safe: the clients are
// split into shards, each behind its own mutex, held for one lookup. Never throws after
// construction.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "daemon/http/client_address.h"

namespace feedd::daemon {

class PollLimiter {
 public:
  static constexpr std::size_t kPathsPerClient = 4;
  using Clock = std::chrono::steady_clock;

  // `min_interval` > 0; `capacity` >= 1 clients.
  PollLimiter(std::chrono::seconds min_interval, std::size_t capacity);
  ~PollLimiter();
  PollLimiter(const PollLimiter&) = delete;
  PollLimiter& operator=(const PollLimiter&) = delete;

  // An unconditional fetch of `path` by `client` at `now`: 0 when it may go ahead (and it is
  // remembered), else the whole seconds (>= 1) until it may (a refused fetch is not
  // remembered: the wait counts from the fetch that was served).
  std::uint32_t check(const ClientAddress& client, std::string_view path, Clock::time_point now);

  std::chrono::seconds min_interval() const { return min_interval_; }

 private:
  struct Shard;
  const std::chrono::seconds min_interval_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace feedd::daemon
