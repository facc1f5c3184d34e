// Closes connections whose wait for their next request outlasted server.timeout (internal to
// the HTTP server). A keep-alive connection between requests carries only a deadline (an
// atomic in its SessionControl, set by the session per wait); one periodic scan of the
// session registry cancels the waits past theirs. A timer per wait cost every request a
// timer-queue insert and cancel under the reactor's mutex, a handler completion and two
// reference counts: about 4 % of feedd's CPU on the 304 path (bench/RESULTS.md). A wait
// ends between its deadline and one period later; the period is a quarter of the timeout,
// at most one second. Construct it before the io_context runs; call stop() when the server
// stops.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>

#include "daemon/http/http_session.h"

namespace feedd::daemon {

class IdleSweeper {
 public:
  IdleSweeper(ServerShared& shared, boost::asio::io_context& io);
  IdleSweeper(const IdleSweeper&) = delete;
  IdleSweeper& operator=(const IdleSweeper&) = delete;

  void start();
  void stop();  // the io_context may finish once its sessions have

  // The scan period for a given server.timeout.
  static std::chrono::milliseconds period_for(std::chrono::seconds timeout);

 private:
  void schedule();
  void sweep();

  ServerShared& shared_;
  const std::chrono::milliseconds period_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // touched on strand_
  bool stopped_ = false;             // touched on strand_
};

}  // namespace feedd::daemon
