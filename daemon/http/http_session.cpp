#include "daemon/http/http_session.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <charconv>
#include <chrono>

#include "common/clock.h"
#include "daemon/http/archive_path.h"
#include "daemon/http/http_io.h"
#include "daemon/http/poll_limiter.h"
#include "daemon/http/request_buffers.h"
#include "daemon/http/request_parser.h"
#include "daemon/http/router.h"
#include "daemon/http/topic_feeds.h"
#include "daemon/log.h"

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using tcp = asio::ip::tcp;

// Appends what one read returns (at most `max` bytes) to `buffer`: what the socket already
// holds (it is in non-blocking mode), else what arrives before the stream's deadline.
asio::awaitable<error_code> read_more(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      std::size_t max) {
  error_code ec;
  const std::size_t got = stream.socket().read_some(buffer.prepare(max), ec);
  buffer.commit(got);
  if (ec != asio::error::would_block) {
    co_return ec;
  }
  auto [read_ec, n] =
      co_await stream.async_read_some(buffer.prepare(max), asio::as_tuple(asio::use_awaitable));
  buffer.commit(n);
  co_return read_ec;
}

// Reads a Content-Length or chunked body (the head is parsed and consumed).
asio::awaitable<error_code> read_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      const RequestHead& head, std::string& body,
                                      const ServerOptions& options) {
  if (head.body == RequestHead::Body::length) {
    if (head.content_length > options.max_body) {
      co_return RequestError::body_too_large;
    }
    body.reserve(static_cast<std::size_t>(head.content_length));
    while (body.size() < head.content_length) {
      if (buffer.size() == 0) {
        const auto missing = static_cast<std::size_t>(head.content_length - body.size());
        if (auto ec = co_await read_more(stream, buffer, std::min(missing, 4 * kReadSize))) {
          co_return ec;
        }
      }
      const std::string_view bytes = view_of(buffer).substr(0, head.content_length - body.size());
      body.append(bytes);
      buffer.consume(bytes.size());
    }
    co_return error_code{};
  }
  ChunkedDecoder decoder;
  while (true) {
    auto used = decoder.feed(view_of(buffer), body, options.max_body, options.header_limit);
    if (!used) {
      co_return used.error();
    }
    buffer.consume(*used);
    if (decoder.done()) {
      co_return error_code{};
    }
    if (auto ec = co_await read_more(stream, buffer, 4 * kReadSize)) {
      co_return ec;
    }
  }
}

// A head that did not arrive in one read: the session's phase is `head` (the shedder may
// close it) and feedd_connections_reading_head counts it, until it ends.
class SlowHead {
 public:
  SlowHead(Metrics& metrics, SessionControl& control) : metrics_(metrics), control_(control) {}
  ~SlowHead() { end(); }
  SlowHead(const SlowHead&) = delete;
  SlowHead& operator=(const SlowHead&) = delete;
  void start() {
    if (!counted_) {
      counted_ = true;
      control_.phase.store(SessionPhase::head, std::memory_order_relaxed);
      metrics_.head_started();
    }
  }
  void end() {
    if (counted_) {
      counted_ = false;
      metrics_.head_ended();
    }
  }

 private:
  Metrics& metrics_;
  SessionControl& control_;
  bool counted_ = false;
};

// After a head that announces a body: the body (with 100 Continue first when asked).
asio::awaitable<error_code> read_body_of(beast::tcp_stream& stream, RequestBuffers& b,
                                         const ServerOptions& options) {
  const RequestHead& head = b.request;
  const bool too_large =
      head.body == RequestHead::Body::length && head.content_length > options.max_body;
  if (head.expect_continue && b.input.size() == 0 && !too_large) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(kContinue),
                                              asio::as_tuple(asio::use_awaitable));
    if (ec) {
      co_return ec;
    }
  }
  co_return co_await read_body(stream, b.input, head, b.body, options);
}

// Reads the next request of the connection into `b.request` and `b.body`, strictly (RFC
// 9112; see request_parser.h). Errors: a RequestError (answer it, then close) or the
// stream's (end of stream, timeout, reset, shed: close silently). Bytes of pipelined
// requests stay in `b.input`. The phase is `busy` once the head is complete.
asio::awaitable<error_code> read_request(beast::tcp_stream& stream, RequestBuffers& b,
                                         const ServerOptions& options, Metrics& metrics,
                                         SessionControl& control) {
  b.request.clear();
  b.body.clear();
  HeadScanner scanner;
  std::size_t head_size = 0;
  SlowHead slow(metrics, control);
  while (head_size == 0) {
    auto scanned = scanner.scan(view_of(b.input), options.header_limit);
    if (!scanned) {
      co_return scanned.error();
    }
    head_size = *scanned;
    if (head_size == 0) {
      if (b.input.size() > 0) {
        slow.start();
        if (control.shed.load(std::memory_order_relaxed)) {
          co_return asio::error::operation_aborted;  // chosen to make room at the cap
        }
      }
      if (auto ec = co_await read_more(stream, b.input, head_read_size(b.input))) {
        co_return ec;
      }
    }
  }
  slow.end();
  if (auto ec = take_head(b, head_size, control)) {
    co_return ec;
  }
  if (b.request.body == RequestHead::Body::none) {
    co_return error_code{};
  }
  co_return co_await read_body_of(stream, b, options);
}

thread_local DateCache t_date_cache;

RouteContext make_context(const ServerShared& shared) {
  RouteContext context;
  context.now = common::now_seconds();
  context.date = t_date_cache.text(context.now);
  context.cache_control = shared.cache_control;
  context.metrics = &shared.metrics;
  context.hooks = shared.options.hooks;
  context.websub = shared.options.websub;
  context.deltas = shared.options.deltas;
  return context;
}

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

std::string remote_of(const asio::ip::tcp::socket& socket) {
  error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) {
    return "?";
  }
  auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}

// After an error answer, the client may still be sending (a body over the limit): read and
// drop a bounded amount for a short while, so closing does not reset the connection before
// the client has read our answer.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
  error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  std::array<char, 16384> sink;
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(1));
  while (drained < 4 * 1024 * 1024) {
    auto [ec, n] =
        co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      break;
    }
    drained += n;
  }
}

void configure(tcp::socket& socket) {
  error_code ignored;
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  // A send buffer that holds a whole typical feed: one write per response, not several
  // rounds through epoll while the kernel's autotuning catches up (4x the req/s at 66 KB).
  socket.set_option(asio::socket_base::send_buffer_size(512 * 1024), ignored);
  socket.non_blocking(true, ignored);  // reads and writes try what the socket allows now
}

// Arms `timer` (on the session's strand) to cancel the session's socket at `at`, unless
// disarm() comes first: a timer that fired just before being disarmed does nothing.
void arm(asio::steady_timer& timer, const std::shared_ptr<SessionControl>& control,
         std::chrono::steady_clock::time_point at) {
  const std::uint32_t generation = ++control->deadline_generation;
  timer.expires_at(at);
  timer.async_wait([control, generation](error_code ec) {
    if (!ec && control->deadline_generation == generation && control->socket != nullptr) {
      error_code ignored;
      control->socket->cancel(ignored);
    }
  });
}

void disarm(asio::steady_timer& timer, SessionControl& control) {
  ++control.deadline_generation;
  timer.cancel();
}

// Writes `head` then `length` bytes of `file` with sendfile(), waiting for the socket when
// it is full; `deadline` (armed by the caller) cancels the socket when the client is too
// slow. Returns the bytes written and the first error.
asio::awaitable<std::pair<error_code, std::size_t>> send_with_file(asio::ip::tcp::socket& socket,
                                                                   std::string_view head, int file,
                                                                   std::size_t length) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  std::size_t sent = 0;
  error_code ec;
  while (sent < head.size()) {  // MSG_MORE: the head leaves with the first body bytes
    auto [send_ec, n] =
        co_await socket.async_send(asio::buffer(head.substr(sent)), MSG_MORE, token);
    if (send_ec) {
      co_return std::pair{send_ec, sent};
    }
    sent += n;
  }
  off_t offset = 0;
  while (static_cast<std::size_t>(offset) < length) {
    const ssize_t n = ::sendfile(socket.native_handle(), file, &offset,
                                 length - static_cast<std::size_t>(offset));
    if (n > 0) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      auto [wait_ec] = co_await socket.async_wait(asio::socket_base::wait_write, token);
      if (wait_ec) {
        ec = wait_ec;
        break;
      }
      continue;
    }
    ec = n == 0 ? asio::error::eof : error_code(errno, boost::system::system_category());
    break;
  }
  co_return std::pair{ec, sent + static_cast<std::size_t>(offset)};
}

}  // namespace

std::int64_t steady_ticks() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

void SessionControl::wait_again() {
  waiting_since.store(steady_ticks(), std::memory_order_relaxed);
  phase.store(SessionPhase::waiting, std::memory_order_relaxed);
}

namespace {

// Writes the response in `b` (head serialized): big snapshot bodies with sendfile() from
// their memfd (no user-space copy, under `timer`); the rest at once when the socket takes
// it, else in the background under the stream's deadline.
asio::awaitable<std::pair<error_code, std::size_t>> write_slowly(
    beast::tcp_stream& stream, RequestBuffers& b, asio::steady_timer& timer,
    const std::shared_ptr<SessionControl>& control, std::chrono::seconds timeout,
    std::size_t written) {
  const std::string_view body = b.response.head ? std::string_view{} : b.response.body();
  if (!body.empty() && b.response.body_file >= 0) {
    arm(timer, control, std::chrono::steady_clock::now() + timeout);
    auto result =
        co_await send_with_file(stream.socket(), b.head, b.response.body_file, body.size());
    disarm(timer, *control);
    co_return result;
  }
  stream.expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(stream, after(parts_of(b), written),
                                            asio::as_tuple(asio::use_awaitable));
  co_return std::pair{ec, written + n};
}

ClientAddress peer_of(const tcp::socket& socket) {
  error_code ec;
  const auto address = socket.remote_endpoint(ec).address();
  ClientAddress client{};
  if (ec) {
    return client;
  }
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    client[10] = 0xff;
    client[11] = 0xff;
    std::copy(bytes.begin(), bytes.end(), client.begin() + 12);
  } else {
    const auto bytes = address.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), client.begin());
  }
  return client;
}

// Polite polling: after routing (a 304 never gets here), an unconditional GET of a feed that
// comes too soon after the client's last one becomes a 429. Allocates nothing.
void refuse_if_too_soon(RequestBuffers& b, ServerShared& shared, const ClientAddress& peer,
                        const RouteContext& context) {
  PollLimiter* limiter = shared.options.poll_limiter;
  const RequestHead& request = b.request;
  if (limiter == nullptr || b.response.status != 200 || b.response.route != RouteKind::feed ||
      request.if_none_match.present || request.if_modified_since.present ||
      request.method != "GET") {
    return;
  }
  const auto path = request_path(request.target);
  const ClientAddress client =
      shared.options.trusted_proxies.client_of(peer, request.x_forwarded_for.view());
  const std::uint32_t wait =
      limiter->check(client, path.value_or(request.target), std::chrono::steady_clock::now());
  if (wait == 0) {
    return;
  }
  const auto written =
      std::to_chars(b.retry_after.data(), b.retry_after.data() + b.retry_after.size(), wait);
  b.response = too_many_requests(
      std::string_view(b.retry_after.data(),
                       static_cast<std::size_t>(written.ptr - b.retry_after.data())),
      context);
  shared.metrics.record_poll_refused();
}

// Routes the request read into `b`, or the error `ec` that refused it, into `b.response`
// and `b.head` (`snapshot` keeps the body alive); false when there is nothing to answer
// (end of stream, timeout, reset, shed or stopping). `keep_alive`: another may follow.
bool prepare_answer(RequestBuffers& b, error_code ec, ServerShared& shared, SessionControl& control,
                    const tcp::socket& socket, std::shared_ptr<const feeds::Snapshot>& snapshot,
                    const feeds::Resource* topic, const ClientAddress& peer, bool& keep_alive) {
  control.phase.store(SessionPhase::busy, std::memory_order_relaxed);
  control.fresh = false;
  RouteContext context = make_context(shared);
  context.topic = topic;
  if (topic != nullptr && parse_archive_path(topic->path)) {
    context.cache_control = shared.archive_cache_control;  // RFC 5005 pages are stable
  }
  keep_alive = false;
  if (ec) {
    const int status = status_of(ec);
    if (status == 0) {
      return false;
    }
    log::debug("http", remote_of(socket) + ": refused request (" + std::to_string(status) +
                           "): " + ec.message());
    b.response = error_response(status, context);
  } else {
    if (snapshot == nullptr) {
      snapshot = shared.store.load();  // once per request
    }
    b.response = route(b.request.to_request(b.body), *snapshot, context);
    refuse_if_too_soon(b, shared, peer, context);
    keep_alive = b.request.keep_alive && !shared.stopping.load(std::memory_order_acquire) &&
                 !control.shed.load(std::memory_order_relaxed);
  }
  serialize_head(b.response, keep_alive, b.request.version == 10, b.head);
  return true;
}

void count_answer(const RequestBuffers& b, std::size_t written, ServerShared& shared,
                  const std::string& remote) {
  shared.metrics.record(b.response.route, b.response.status, written);
  if (shared.options.access_log) {
    log::info("access", remote + " \"" + b.request.method + " " + b.request.target + "\" " +
                            std::to_string(b.response.status) + " " + std::to_string(written));
  }
}

}  // namespace

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
  configure(stream.socket());
  asio::steady_timer timer(control->executor);
  std::unique_ptr<RequestBuffers> buffers;

  // A stopping server still answers a new connection's first request: it connected before
  // the listening socket closed (or to systemd's), so closing it unread would reset it.
  while (control->fresh || !shared.stopping.load(std::memory_order_acquire)) {
    // For the whole request, from the first wait: a slow client gets no more.
    const auto deadline = std::chrono::steady_clock::now() + shared.options.timeout;
    if (buffers == nullptr || buffers->input.size() == 0) {
      // Wait holding no request memory; cancelled at the deadline, when shed or stopping.
      RequestBuffers::give(std::move(buffers));
      arm(timer, control, deadline);
      auto [wait_ec] = co_await stream.socket().async_wait(tcp::socket::wait_read,
                                                           asio::as_tuple(asio::use_awaitable));
      disarm(timer, *control);
      if (wait_ec) {
        break;
      }
      buffers = RequestBuffers::take();
    }
    // Read and answer without suspending when the socket allows (a keep-alive request in
    // one packet and a small answer: no coroutine frame, no timer); else suspend.
    error_code ec = read_head_now(stream.socket(), *buffers, shared.options, *control);
    stream.expires_at(deadline);
    if (ec == asio::error::would_block) {
      ec = co_await read_request(stream, *buffers, shared.options, shared.metrics, *control);
    } else if (!ec && buffers->request.body != RequestHead::Body::none) {
      ec = co_await read_body_of(stream, *buffers, shared.options);
    }
    std::shared_ptr<const feeds::Snapshot> snapshot;  // until the write completes
    std::shared_ptr<const feeds::Resource> topic;     // likewise
    if (!ec && shared.options.topics != nullptr) {
      snapshot = shared.store.load();  // once per request
      if (auto path = request_path(buffers->request.target); path && TopicFeeds::serves(*path)) {
        topic = co_await shared.options.topics->find(*path, snapshot);
      }
    }
    bool keep_alive = false;
    if (!prepare_answer(*buffers, ec, shared, *control, stream.socket(), snapshot, topic.get(),
                        peer, keep_alive)) {
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
      co_await linger(stream);
    }
    if (wec || !keep_alive) {
      break;
    }
    control->wait_again();
  }
  RequestBuffers::give(std::move(buffers));
  error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream.close();
}

}  // namespace feedd::daemon
