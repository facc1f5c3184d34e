#include "daemon/http/http_session.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <optional>
#include <string_view>

#include "daemon/http/http_io.h"
#include "daemon/http/request_buffers.h"
#include "daemon/http/request_reader.h"
#include "daemon/http/response_writer.h"
#include "daemon/http/router.h"
#include "daemon/http/session_answer.h"
#include "daemon/http/topic_feeds.h"

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using tcp = asio::ip::tcp;

// Unregisters the session and decrements the open count when the coroutine ends.
class Registration {
 public:
  Registration(ServerShared& shared, std::shared_ptr<SessionControl> control)
      : shared_(shared), control_(std::move(control)) {
    control_->waiting_since.store(steady_ticks(), std::memory_order_relaxed);
    {
      std::lock_guard lock(shared_.sessions_mutex);
      shared_.sessions.insert(control_);
    }
    shared_.metrics.connection_opened();
  }
  ~Registration() {
    control_->socket = nullptr;
    {
      std::lock_guard lock(shared_.sessions_mutex);
      shared_.sessions.erase(control_);
    }
    if (control_->shed.load(std::memory_order_relaxed)) {
      shared_.shedding.fetch_sub(1, std::memory_order_relaxed);
    }
    shared_.open_connections.fetch_sub(1, std::memory_order_relaxed);
    shared_.metrics.connection_closed();
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  ServerShared& shared_;
  std::shared_ptr<SessionControl> control_;
};

// Bytes of a request read by the idle wait; part of every connection's coroutine frame.
constexpr std::size_t kFirstRead = 512;

void configure_session_socket(tcp::socket& socket) {
  error_code ignored;
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  // A send buffer that holds a whole typical feed: one write per response, not several
  // rounds through epoll while the kernel's autotuning catches up (4x the req/s at 66 KB).
  socket.set_option(asio::socket_base::send_buffer_size(512 * 1024), ignored);
  socket.non_blocking(true, ignored);  // reads and writes try what the socket allows now
}

}  // namespace

std::int64_t steady_ticks() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

void cancel_unless_request_waiting(SessionControl& control) {
  error_code ec;
  if (control.socket->available(ec) > 0 && !ec) {
    return;
  }
  control.socket->cancel(ec);
}

void SessionControl::wait_again(std::int64_t now) {
  waiting_since.store(now, std::memory_order_relaxed);
  phase.store(SessionPhase::waiting, std::memory_order_relaxed);
}

// One coroutine on purpose: each step moved into a sub-coroutine would allocate a frame per
// request, and the keep-alive path (a 304 above all) allocates none today.
// NOLINTNEXTLINE(readability-function-size)
asio::awaitable<void> run_session(asio::ip::tcp::socket socket, ServerShared& shared) {
  auto control = std::make_shared<SessionControl>();
  control->executor = socket.get_executor();
  beast::tcp_stream stream(std::move(socket));
  control->socket = &stream.socket();
  Registration registration(shared, control);
  const std::string remote = shared.options.access_log ? remote_of(stream.socket()) : "";
  const ClientAddress peer =
      shared.options.poll_limiter != nullptr ? peer_of(stream.socket()) : ClientAddress{};
  configure_session_socket(stream.socket());
  asio::steady_timer timer(control->executor);
  std::unique_ptr<RequestBuffers> buffers;
  // The first bytes of each request, read while no RequestBuffers is held: a keep-alive
  // request of a feed reader fits (the rest, if any, is read into the buffers).
  std::array<char, kFirstRead> first_bytes;

  // A stopping server still answers a new connection's first request: it connected before
  // the listening socket closed (or to systemd's), so closing it unread would reset it.
  auto waiting_since = std::chrono::steady_clock::now();
  while (control->fresh || !shared.stopping.load(std::memory_order_acquire)) {
    // For the whole request, from the first wait: a slow client gets no more.
    const auto deadline = waiting_since + shared.options.timeout;
    if (buffers == nullptr || buffers->input.size() == 0) {
      // Wait holding no request memory; cancelled at the deadline (by the IdleSweeper), when
      // shed or stopping. A read, not async_wait(wait_read): Asio re-arms the descriptor
      // with epoll_ctl for every wait, while a read that found the socket drained queues
      // without a syscall.
      RequestBuffers::give(std::move(buffers));
      control->wait_deadline.store(deadline.time_since_epoch().count(), std::memory_order_relaxed);
      auto [wait_ec, got] = co_await stream.socket().async_read_some(
          asio::buffer(first_bytes), asio::as_tuple(asio::use_awaitable));
      control->wait_deadline.store(SessionControl::kNoDeadline, std::memory_order_relaxed);
      if (wait_ec) {
        break;
      }
      buffers = RequestBuffers::take();
      asio::buffer_copy(buffers->input.prepare(got), asio::buffer(first_bytes, got));
      buffers->input.commit(got);
    }
    // Read and answer without suspending when the socket allows (a keep-alive request in
    // one packet and a small answer: no coroutine frame, no timer); else suspend.
    // The stream's deadline only where its reads can suspend: re-arming its two timers costs
    // two timer-queue updates per request otherwise.
    error_code ec = read_head_now(stream.socket(), *buffers, shared.options, *control);
    if (ec == asio::error::would_block) {
      stream.expires_at(deadline);
      ec = co_await read_request(stream, *buffers, shared.options, shared.metrics, *control);
    } else if (!ec && buffers->request.body != RequestHead::Body::none) {
      stream.expires_at(deadline);
      ec = co_await read_body_of(stream, *buffers, shared.options);
    }
    std::shared_ptr<const feeds::Snapshot> snapshot;  // until the write completes
    std::shared_ptr<const feeds::Resource> topic;     // likewise
    Lookup lookup;
    if (!ec) {
      snapshot = shared.store.load();  // once per request
      lookup.path = request_path(buffers->request.target);
      if (lookup.path) {
        lookup.path = normalize_path(*lookup.path, buffers->path);
      }
    }
    if (lookup.path) {
      // The snapshot first: its paths are no topic feed's or archive page's, bar a language
      // code with a '/' in it ("/tags/x/atom.xml"), where the topic feed wins as before.
      lookup.resource = snapshot->find(*lookup.path);
      if (shared.options.topics != nullptr &&
          (lookup.resource == nullptr || TopicFeeds::may_serve(*lookup.path)) &&
          TopicFeeds::serves(*lookup.path)) {
        topic = co_await shared.options.topics->find(*lookup.path, snapshot);
      }
      if (topic != nullptr) {
        lookup.resource = lookup.topic = topic.get();
      }
    }
    bool keep_alive = false;
    if (!prepare_answer(*buffers, ec, shared, *control, stream.socket(), lookup, snapshot, peer,
                        keep_alive)) {
      break;
    }
    std::size_t written = 0;
    error_code wec = write_now(stream.socket(), *buffers, written);
    if (wec == asio::error::would_block) {
      std::tie(wec, written) =
          co_await write_slowly(stream, *buffers, timer, control, shared.options.timeout, written);
    }
    count_answer(*buffers, written, shared, remote);
    if (!wec && ec) {
      co_await linger_after_error(stream);
    }
    if (wec || !keep_alive) {
      break;
    }
    waiting_since = std::chrono::steady_clock::now();
    control->wait_again(waiting_since.time_since_epoch().count());
  }
  RequestBuffers::give(std::move(buffers));
  error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream.close();
}

}  // namespace feedd::daemon
