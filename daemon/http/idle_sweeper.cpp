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
// it; only a wait still past its deadline is ended.
void end_overdue_wait(SessionControl& control) {
  if (control.socket != nullptr &&
      control.wait_deadline.load(std::memory_order_relaxed) <= steady_ticks()) {
    cancel_unless_request_waiting(control);
  }
}

// On the session's thread, once the server stops (at `stopped_at`, steady ticks): ends the
// session's wait for a request, or its slow head, unless it is answering one. A connection
// that has just connected (before the listening socket closed) gets kFreshGrace, from the
// stop or from its connect if later, for its first request: a later sweep comes back to it.
void end_on_stop(SessionControl& control, std::int64_t stopped_at) {
  if (control.socket == nullptr ||
      control.phase.load(std::memory_order_relaxed) == SessionPhase::busy) {
    return;
  }
  const auto grace =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(kFreshGrace).count();
  if (control.fresh &&
      std::max(control.waiting_since.load(std::memory_order_relaxed), stopped_at) + grace >
          steady_ticks()) {
    return;
  }
  cancel_unless_request_waiting(control);
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
    stopping_ = true;
    stopped_at_ = steady_ticks();
    timer_.cancel();  // its handler sweeps now (after start(), one wait is always pending)
  });
}

void IdleSweeper::schedule() {
  if (finished_) {
    return;
  }
  timer_.expires_after(stopping_ ? kStoppingPeriod : period_);
  timer_.async_wait(asio::bind_executor(strand_, [this](error_code) {
    if (!finished_ && !sweep() && stopping_) {
      finished_ = true;  // nothing left to end: the io_context may finish
      return;
    }
    schedule();
  }));
}

bool IdleSweeper::sweep() {
  const std::int64_t now = steady_ticks();
  std::vector<std::shared_ptr<SessionControl>> due;
  bool any = false;
  {
    std::lock_guard lock(shared_.sessions_mutex);
    // A connection accepted but not yet registered, or one an accept loop may still hand
    // over, is a session to come: one that never sends its request needs ending too.
    any = !shared_.sessions.empty() || shared_.open_connections.load() > 0 ||
          shared_.accept_loops.load() > 0;
    for (const auto& control : shared_.sessions) {
      if (stopping_ ? control->phase.load(std::memory_order_relaxed) != SessionPhase::busy
                    : control->wait_deadline.load(std::memory_order_relaxed) <= now) {
        due.push_back(control);
      }
    }
  }
  for (auto& control : due) {
    if (stopping_) {
      asio::post(control->executor,
                 [control, stopped_at = stopped_at_] { end_on_stop(*control, stopped_at); });
    } else {
      asio::post(control->executor, [control] { end_overdue_wait(*control); });
    }
  }
  return any;
}

}  // namespace feedd::daemon
