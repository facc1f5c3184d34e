// Counters for /metrics: requests by route and status, 304s, bytes sent. Every counter is
// a relaxed std::atomic, so recording is lock-free and safe from any thread; rendering reads
// them without stopping writers (each value is exact, the set is not a single instant).
// One Metrics lives as long as the server; it owns the IndexHealth that /healthz reports.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/pipeline/index_health.h"

namespace feedd::feeds {
class Snapshot;
}

namespace feedd::daemon {

// What a request was for, as the "route" label of feedd_http_requests_total.
enum class RouteKind : std::uint8_t { feed, page, asset, healthz, metrics, hook, redirect, other };
inline constexpr std::size_t kRouteKindCount = 8;
std::string_view route_kind_name(RouteKind kind);

class Metrics {
 public:
  void record(RouteKind route, int status, std::uint64_t bytes);

  // Prometheus text exposition format 0.0.4 (the counters, then gauges about `snapshot`
  // as of `now`).
  std::string render(const feeds::Snapshot& snapshot, std::chrono::sys_seconds now) const;

  IndexHealth& index_health() { return index_health_; }
  const IndexHealth& index_health() const { return index_health_; }

 private:
  static constexpr std::array<int, 18> kStatuses = {200, 202, 301, 304, 400, 401,
                                                    404, 405, 406, 408, 409, 413,
                                                    431, 500, 501, 503, 505, 0};  // 0: other
  static std::size_t status_slot(int status);

  std::array<std::array<std::atomic<std::uint64_t>, kStatuses.size()>, kRouteKindCount> requests_{};
  std::atomic<std::uint64_t> not_modified_{0};
  std::atomic<std::uint64_t> bytes_{0};
  IndexHealth index_health_;
};

}  // namespace feedd::daemon
