// WATCHDOG=1 to systemd from the control thread at half WatchdogSec=: if the indexer hangs,
// systemd notices (the I/O threads alone staying up is not health). Does nothing when
// systemd asked for no watchdog. Control thread only; borrows the io_context, which must
// outlive it. Sending never fails loudly (see systemd_notify.h).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>

namespace feedd::daemon {

class Watchdog {
 public:
  explicit Watchdog(boost::asio::io_context& control) : timer_(control) {}

  // Sends the first WATCHDOG=1 now and the next ones on the timer (when systemd asked).
  void start();
  void cancel() { timer_.cancel(); }

 private:
  void tick(const boost::system::error_code& ec);

  boost::asio::steady_timer timer_;
  std::chrono::microseconds period_{0};
};

}  // namespace feedd::daemon
