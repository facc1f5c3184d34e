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

std::int64_t ticks(std::chrono::milliseconds duration) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration).count();
}

// When `control`'s current wait is due to end (kNoDeadline: it is not waiting).
std::int64_t due(const SessionControl& control, bool stopping) {
  const std::int64_t deadline = control.wait_deadline.load(std::memory_order_relaxed);
  if (!stopping || deadline == SessionControl::kNoDeadline) {
    return deadline;
  }
  return std::min(deadline,
                  control.waiting_since.load(std::memory_order_relaxed) + ticks(kFreshGrace));
}

// On the session's thread: the wait may have ended, and a new one begun, since the scan saw
// it; only a wait still due is ended.
void end_due_wait(SessionControl& control, bool stopping) {
  if (control.socket != nullptr && due(control, stopping) <= steady_ticks()) {
    cancel_unless_request_waiting(control);
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
    stopping_ = true;
    timer_.cancel();  // its handler sweeps now (after start(), one wait is always pending)
  });
}

void IdleSweeper::schedule() {
  if (finished_) {
    return;
  }
  timer_.expires_after(stopping_ ? std::chrono::milliseconds(kStoppingPeriod) : period_);
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
  std::vector<std::shared_ptr<SessionControl>> due_now;
  bool any = false;
  {
    std::lock_guard lock(shared_.sessions_mutex);
    any = !shared_.sessions.empty();
    for (const auto& control : shared_.sessions) {
      if (due(*control, stopping_) <= now) {
        due_now.push_back(control);
      }
    }
  }
  for (auto& control : due_now) {
    asio::post(control->executor,
               [control, stopping = stopping_] { end_due_wait(*control, stopping); });
  }
  return any;
}

}  // namespace feedd::daemon
