// Ends connections' waits for their next request (internal to the HTTP server): those past
// server.timeout and, once the server stops, every wait and slow head (a connection that has
// just connected gets kFreshGrace for its first request). A keep-alive connection between
// requests carries only a deadline (an atomic in its SessionControl, set by the session per
// wait); one periodic scan of the session registry cancels the waits past theirs. A timer
// per wait cost every request a timer-queue insert and cancel under the reactor's mutex, a
// handler completion and two reference counts (bench/RESULTS.md). A wait ends between its
// deadline and one period later: a quarter of the timeout, at most a second, while serving;
// kStoppingPeriod once stopping, until no session is left, so that the server's io_context
// can finish. Construct it before the io_context runs; call stop() when the server stops.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>

#include "daemon/http/http_session.h"

namespace feedd::daemon {

class IdleSweeper {
 public:
  static constexpr std::chrono::milliseconds kStoppingPeriod{100};

  IdleSweeper(ServerShared& shared, boost::asio::io_context& io);
  IdleSweeper(const IdleSweeper&) = delete;
  IdleSweeper& operator=(const IdleSweeper&) = delete;

  void start();
  // Sweeps at once, then every kStoppingPeriod until the registry is empty (the io_context
  // may then finish).
  void stop();

  // The scan period for a given server.timeout, while serving.
  static std::chrono::milliseconds period_for(std::chrono::seconds timeout);

 private:
  void schedule();
  // Ends the waits that are due (once stopping: asks every session not answering a request
  // to end); whether any session is left or may yet start (accepted, or accept loops running).
  bool sweep();

  ServerShared& shared_;
  const std::chrono::milliseconds period_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // touched on strand_
  bool stopping_ = false;            // touched on strand_
  std::int64_t stopped_at_ = 0;      // touched on strand_: steady ticks of stop()
  bool finished_ = false;            // touched on strand_: stopping and no session left
};

}  // namespace feedd::daemon
