// Counters for /metrics: requests by route and status, 304s, bytes sent, connections (open,
// the cap, reading a head, shed at the cap), topic feed renders and cache, delta feeds. Every
// counter is a relaxed std::atomic, so recording is lock-free and safe from any thread; rendering
// reads them without stopping writers (each value is exact, the set is not a single instant). One
// Metrics lives as long as the server; it owns the IndexHealth that /healthz reports.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/pipeline/index_health.h"

namespace feedd::feeds {
class Snapshot;
}

namespace feedd::daemon {

// What a request was for, as the "route" label of feedd_http_requests_total.
enum class RouteKind : std::uint8_t {
  feed,
  page,
  asset,
  healthz,
  metrics,
  hook,
  redirect,
  other,
  websub
};
inline constexpr std::size_t kRouteKindCount = 9;
std::string_view route_kind_name(RouteKind kind);

// Why a connection was given up at the connection cap, as the "reason" label of
// feedd_connections_shed_total.
enum class ShedReason : std::uint8_t {
  idle,       // closed: waiting for a request (new, or kept alive), nothing of it received
  slow_head,  // closed: part of a request head received, the rest still awaited
  full,       // a new connection answered 503 and closed: every connection was mid-request
};
inline constexpr std::size_t kShedReasonCount = 3;
std::string_view shed_reason_name(ShedReason reason);

class Metrics {
 public:
  void record(RouteKind route, int status, std::uint64_t bytes);

  // Connections: called by the HTTP server at connect/disconnect, when a head arrives in
  // more than one read (never for a head that comes whole), and at each shed.
  void set_connection_limit(std::size_t limit) { connection_limit_.store(limit); }
  void connection_opened() { connections_open_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  void head_started() { reading_head_.fetch_add(1, std::memory_order_relaxed); }
  void head_ended() { reading_head_.fetch_sub(1, std::memory_order_relaxed); }
  void record_shed(ShedReason reason) {
    shed_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }

  // Topic feeds (daemon/http/topic_feeds.h): renders done, requests answered from the cache,
  // and what the cache holds.
  void record_topic_render() { topic_renders_.fetch_add(1, std::memory_order_relaxed); }
  void record_topic_hit() { topic_hits_.fetch_add(1, std::memory_order_relaxed); }
  // RFC 5005 archive pages rendered on request (they share the topic feeds' cache).
  void record_archive_render() { archive_renders_.fetch_add(1, std::memory_order_relaxed); }
  // Unconditional refetches refused with 429 (polite polling, daemon/http/poll_limiter.h).
  void record_poll_refused() { poll_refused_.fetch_add(1, std::memory_order_relaxed); }
  void set_topic_cache(std::size_t bytes, std::size_t entries) {
    topic_cache_bytes_.store(bytes, std::memory_order_relaxed);
    topic_cache_entries_.store(entries, std::memory_order_relaxed);
  }

  // More series from other components (WebSub, outgoing HTTP), appended to render()'s
  // text; add them before the server starts (not thread-safe with render()).
  void add_section(std::function<void(std::string&)> section) {
    sections_.push_back(std::move(section));
  }

  // [cache] purge (daemon/live/cache_purger.h): a PURGE answered 2xx, or not.
  void record_purge(bool ok) {
    (ok ? purges_ok_ : purges_failed_).fetch_add(1, std::memory_order_relaxed);
  }

  // Delta feeds (daemon/http/delta_feeds.h): 226 bodies made, and answered from the cache.
  void record_delta_render() { delta_renders_.fetch_add(1, std::memory_order_relaxed); }
  void record_delta_hit() { delta_hits_.fetch_add(1, std::memory_order_relaxed); }
  void set_delta_cache(std::size_t bytes, std::size_t entries) {
    delta_cache_bytes_.store(bytes, std::memory_order_relaxed);
    delta_cache_entries_.store(entries, std::memory_order_relaxed);
  }

  // Prometheus text exposition format 0.0.4 (the counters, then gauges about `snapshot`
  // as of `now`).
  std::string render(const feeds::Snapshot& snapshot, std::chrono::sys_seconds now) const;

  IndexHealth& index_health() { return index_health_; }
  const IndexHealth& index_health() const { return index_health_; }

 private:
  // 226 last: the 304 path looks its slot up first.
  static constexpr std::array<int, 21> kStatuses = {200, 202, 301, 304, 400, 401, 404,
                                                    405, 406, 408, 409, 412, 413, 429,
                                                    431, 500, 501, 503, 505, 226, 0};  // 0: other
  static std::size_t status_slot(int status);
  void render_connections(std::string& out) const;
  void render_topics(std::string& out, const feeds::Snapshot& snapshot) const;
  void render_deltas(std::string& out) const;

  std::array<std::array<std::atomic<std::uint64_t>, kStatuses.size()>, kRouteKindCount> requests_{};
  std::atomic<std::uint64_t> not_modified_{0};
  std::atomic<std::uint64_t> purges_ok_{0};
  std::atomic<std::uint64_t> purges_failed_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::size_t> connection_limit_{0};
  std::atomic<std::int64_t> connections_open_{0};
  std::atomic<std::int64_t> reading_head_{0};
  std::array<std::atomic<std::uint64_t>, kShedReasonCount> shed_{};
  std::atomic<std::uint64_t> topic_renders_{0};
  std::atomic<std::uint64_t> topic_hits_{0};
  std::atomic<std::uint64_t> archive_renders_{0};
  std::atomic<std::uint64_t> poll_refused_{0};
  std::atomic<std::size_t> topic_cache_bytes_{0};
  std::atomic<std::size_t> topic_cache_entries_{0};
  std::atomic<std::uint64_t> delta_renders_{0};
  std::atomic<std::uint64_t> delta_hits_{0};
  std::atomic<std::size_t> delta_cache_bytes_{0};
  std::atomic<std::size_t> delta_cache_entries_{0};
  IndexHealth index_health_;
  std::vector<std::function<void(std::string&)>> sections_;  // fixed once serving
};

}  // namespace feedd::daemon
