// Keeps a full server serving new clients (internal to the HTTP server). At the connection
// cap, each new connection is admitted by closing connections that wait longest without a
// complete request (nothing of it yet: "idle"; part of a head: "slow_head"), several at a
// time at large caps; when every connection is mid-request, the new one is answered 503 with
// Retry-After and closed at once. Each is counted in Metrics and logged, one line a second
// at most. admit() is thread-safe (called by every acceptor); it takes the registry mutex
// only at the cap. Construct it before the io_context runs; call stop() when the server stops.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>

#include "daemon/http/http_session.h"
#include "daemon/http/metrics.h"

namespace feedd::daemon {

class ConnectionShedder {
 public:
  ConnectionShedder(ServerShared& shared, boost::asio::io_context& io);
  ConnectionShedder(const ConnectionShedder&) = delete;
  ConnectionShedder& operator=(const ConnectionShedder&) = delete;

  // For each accepted connection (its descriptor), before its session starts. True: serve
  // it (there is room, or room is being made); false: it was answered 503 and shut down for
  // writing, and the caller closes it.
  bool admit(int socket);
  // Logs what is not logged yet and lets the io_context finish.
  void stop();

 private:
  bool make_room();
  void note(ShedReason reason);
  void report();

  ServerShared& shared_;
  // How many to close per new connection at the cap (more at large caps, so that one scan
  // of the registry serves several new connections).
  const std::size_t batch_;
  std::atomic<std::int64_t> fruitless_scan_{0};  // steady ticks of the last scan finding none

  // The rate-limited log line: counts since the last line; the timer runs on strand_.
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;                      // touched on strand_
  std::chrono::steady_clock::time_point last_report_{};  // touched on strand_
  std::atomic<bool> report_pending_{false};
  std::array<std::atomic<std::uint64_t>, kShedReasonCount> unreported_{};
};

}  // namespace feedd::daemon
