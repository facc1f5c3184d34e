#include "daemon/http/idle_sweeper.h"

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <memory>
#include <vector>

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// On the session's thread: the wait may have ended, and a new one begun, since the scan saw
// it; only a wait still past its deadline is cancelled.
void end_overdue_wait(SessionControl& control) {
  if (control.socket != nullptr &&
      control.wait_deadline.load(std::memory_order_relaxed) <= steady_ticks()) {
    error_code ignored;
    control.socket->cancel(ignored);
  }
}

}  // namespace

IdleSweeper::IdleSweeper(ServerShared& shared, asio::io_context& io)
    : shared_(shared),
      period_(period_for(shared.options.timeout)),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

std::chrono::milliseconds IdleSweeper::period_for(std::chrono::seconds timeout) {
  using std::chrono::milliseconds;
  return std::clamp(std::chrono::duration_cast<milliseconds>(timeout) / 4, milliseconds(10),
                    milliseconds(1000));
}

void IdleSweeper::start() {
  asio::post(strand_, [this] { schedule(); });
}

void IdleSweeper::stop() {
  asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void IdleSweeper::schedule() {
  if (stopped_) {
    return;
  }
  timer_.expires_after(period_);
  timer_.async_wait(asio::bind_executor(strand_, [this](error_code ec) {
    if (!ec) {
      sweep();
    }
    schedule();
  }));
}

void IdleSweeper::sweep() {
  const std::int64_t now = steady_ticks();
  std::vector<std::shared_ptr<SessionControl>> overdue;
  {
    std::lock_guard lock(shared_.sessions_mutex);
    for (const auto& control : shared_.sessions) {
      if (control->wait_deadline.load(std::memory_order_relaxed) <= now) {
        overdue.push_back(control);
      }
    }
  }
  for (auto& control : overdue) {
    asio::post(control->executor, [control] { end_overdue_wait(*control); });
  }
}

}  // namespace feedd::daemon
