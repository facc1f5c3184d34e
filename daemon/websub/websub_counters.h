// What the WebSub publisher and hub did, for /metrics: relaxed atomics, recorded on the
// outbound thread, read from any thread. render() appends Prometheus text. Each counts once:
// an attempt's result (ok, failed, gone) when its answer comes, whether or not its outcome's
// write then succeeds (a write that fails is made again, not counted again); a drop or a
// deferral only once the write or claim it stands for is committed.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace feedd::daemon {

struct WebSubCounters {
  std::atomic<std::uint64_t> publish_ok{0};       // pings a hub answered 2xx
  std::atomic<std::uint64_t> publish_failed{0};   // attempts that failed (retried)
  std::atomic<std::uint64_t> publish_dropped{0};  // given up after max_attempts
  std::atomic<std::uint64_t> delivered{0};        // deliveries answered 2xx
  std::atomic<std::uint64_t> delivery_failed{0};  // attempts that failed (retried)
  std::atomic<std::uint64_t> delivery_dropped{0};
  std::atomic<std::uint64_t> gone{0};           // 410: subscription ended
  std::atomic<std::uint64_t> verified{0};       // intents confirmed (subscribe or unsubscribe)
  std::atomic<std::uint64_t> verify_failed{0};  // wrong or no challenge echo
  std::atomic<std::uint64_t> denied{0};         // unknown topic, too many subscriptions
  std::atomic<std::uint64_t> refused{0};        // callbacks at private addresses
  std::atomic<std::uint64_t> expired{0};        // leases that ended
  // Pings and deliveries made due again by a change while the previous attempt to the same
  // hub or callback and topic was running: started when it ended, never beside it.
  std::atomic<std::uint64_t> waited{0};
  // Suspect items claimed over their share of the sending window, given back for later.
  std::atomic<std::uint64_t> deferred{0};
  std::atomic<std::uint64_t> subscriptions{0};  // gauge
  std::atomic<std::uint64_t> outbox{0};         // gauge: pending pings and deliveries

  void render(std::string& out) const;
};

}  // namespace feedd::daemon
