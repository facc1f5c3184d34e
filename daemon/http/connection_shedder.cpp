#include "daemon/http/connection_shedder.h"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <memory>
#include <string>

#include "daemon/log.h"

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t kMaxBatch = 16;
// Connections beyond the cap while shed ones close: each new one past the cap is matched by
// one closing, and this bounds the sum when closing ones linger (finishing a request that
// arrived as they were chosen). Well within the 64 descriptors kept in reserve.
constexpr std::size_t kMaxOvershoot = 32;
// After a scan that found nothing to shed, new connections are refused without another
// scan (it reads every connection's state) for this long.
constexpr std::chrono::milliseconds kRescanAfter{10};
constexpr std::chrono::seconds kReportEvery{1};

constexpr std::string_view k503 =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Retry-After: 1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 28\r\n"
    "Connection: close\r\n"
    "\r\n"
    "too many connections; retry\n";

struct Candidate {
  std::int64_t since = 0;
  SessionPhase phase = SessionPhase::waiting;
  std::shared_ptr<SessionControl> control;
};

// The `capacity` (<= kMaxBatch) oldest candidates offered: a max-heap on `since`.
class Oldest {
 public:
  explicit Oldest(std::size_t capacity) : capacity_(std::min(capacity, kMaxBatch)) {}
  void offer(std::int64_t since, SessionPhase phase,
             const std::shared_ptr<SessionControl>& control) {
    const auto end = items_.begin() + static_cast<std::ptrdiff_t>(size_);
    if (size_ < capacity_) {
      items_[size_++] = Candidate{since, phase, control};
      std::push_heap(items_.begin(), end + 1, younger);
    } else if (since < items_[0].since) {
      std::pop_heap(items_.begin(), end, younger);
      items_[size_ - 1] = Candidate{since, phase, control};
      std::push_heap(items_.begin(), end, younger);
    }
  }
  std::size_t size() const { return size_; }
  const Candidate* begin() const { return items_.data(); }
  const Candidate* end() const { return items_.data() + size_; }

 private:
  static bool younger(const Candidate& a, const Candidate& b) { return a.since < b.since; }
  std::size_t capacity_;
  std::size_t size_ = 0;
  std::array<Candidate, kMaxBatch> items_{};
};

// On the session's strand: ends a shed session's wait for its request. One whose request
// arrived meanwhile is answered first (with Connection: close, as `shed` is set).
void close_shed(SessionControl& control) {
  if (control.socket == nullptr) {
    return;
  }
  const SessionPhase phase = control.phase.load(std::memory_order_relaxed);
  error_code ec;
  if (phase == SessionPhase::busy ||
      (phase == SessionPhase::waiting && control.socket->available(ec) > 0 && !ec)) {
    return;
  }
  control.socket->cancel(ec);
}

// Answers 503 and shuts down for writing; what the client sent already is read first, so
// that the close sends a FIN after the answer, not a reset. Never blocks.
void refuse(int fd) {
  char sink[2048];
  for (int i = 0; i < 8 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
  }
  [[maybe_unused]] const ssize_t sent =
      ::send(fd, k503.data(), k503.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
}

}  // namespace

ConnectionShedder::ConnectionShedder(ServerShared& shared, asio::io_context& io)
    : shared_(shared),
      batch_(std::clamp<std::size_t>(shared.max_connections / 16, 1, kMaxBatch)),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

bool ConnectionShedder::admit(int socket) {
  const std::size_t cap = shared_.max_connections;
  const std::size_t open = shared_.open_connections.load(std::memory_order_relaxed);
  const std::size_t shedding = std::min(shared_.shedding.load(std::memory_order_relaxed), open);
  if (open - shedding < cap) {
    return true;
  }
  if (open < cap + kMaxOvershoot && make_room()) {
    return true;
  }
  note(ShedReason::full);
  refuse(socket);
  return false;
}

bool ConnectionShedder::make_room() {
  const std::int64_t now = steady_ticks();
  const auto rescan_ticks =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(kRescanAfter).count();
  if (now - fruitless_scan_.load(std::memory_order_relaxed) < rescan_ticks) {
    return false;
  }
  Oldest oldest(batch_);
  {
    std::lock_guard lock(shared_.sessions_mutex);
    for (const auto& control : shared_.sessions) {
      const SessionPhase phase = control->phase.load(std::memory_order_relaxed);
      if (phase != SessionPhase::busy && !control->shed.load(std::memory_order_relaxed)) {
        oldest.offer(control->waiting_since.load(std::memory_order_relaxed), phase, control);
      }
    }
    for (const Candidate& victim : oldest) {
      victim.control->shed.store(true, std::memory_order_relaxed);
    }
    shared_.shedding.fetch_add(oldest.size(), std::memory_order_relaxed);
  }
  if (oldest.size() == 0) {
    fruitless_scan_.store(now, std::memory_order_relaxed);
    return false;
  }
  for (const Candidate& victim : oldest) {
    note(victim.phase == SessionPhase::head ? ShedReason::slow_head : ShedReason::idle);
    asio::post(victim.control->executor, [control = victim.control] { close_shed(*control); });
  }
  return true;
}

void ConnectionShedder::note(ShedReason reason) {
  shared_.metrics.record_shed(reason);
  unreported_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  if (report_pending_.exchange(true)) {
    return;  // the pending line will count this one too
  }
  asio::post(strand_, [this] {
    timer_.expires_at(last_report_ + kReportEvery);
    timer_.async_wait(asio::bind_executor(strand_, [this](error_code) { report(); }));
  });
}

void ConnectionShedder::report() {
  report_pending_.store(false);
  last_report_ = std::chrono::steady_clock::now();
  std::array<std::uint64_t, kShedReasonCount> counts{};
  for (std::size_t i = 0; i < kShedReasonCount; ++i) {
    counts[i] = unreported_[i].exchange(0, std::memory_order_relaxed);
  }
  if (counts[0] + counts[1] + counts[2] == 0) {
    return;
  }
  log::warning("http", "at the connection limit (" + std::to_string(shared_.max_connections) +
                           "): closed " + std::to_string(counts[0]) + " idle and " +
                           std::to_string(counts[1]) + " slow-head connections, refused " +
                           std::to_string(counts[2]) +
                           " new ones with 503 (since the last such line)");
}

void ConnectionShedder::stop() {
  asio::post(strand_, [this] { timer_.cancel(); });
}

}  // namespace feedd::daemon
