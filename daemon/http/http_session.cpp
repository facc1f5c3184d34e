#include "daemon/http/http_session.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

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
#include "daemon/http/request_parser.h"
#include "daemon/http/router.h"
#include "daemon/log.h"

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

constexpr std::size_t kReadSize = 16 * 1024;

std::string_view view_of(const beast::flat_buffer& buffer) {
  const auto bytes = buffer.data();
  return {static_cast<const char*>(bytes.data()), bytes.size()};
}

// Appends what one read returns (at most `max` bytes) to `buffer`.
asio::awaitable<error_code> read_more(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      std::size_t max) {
  auto [ec, n] =
      co_await stream.async_read_some(buffer.prepare(max), asio::as_tuple(asio::use_awaitable));
  buffer.commit(n);
  co_return ec;
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

// Reads the next request of the connection into `head` and `body`, strictly (RFC 9112; see
// request_parser.h). Errors: a RequestError (answer it, then close) or the stream's (end of
// stream, timeout, reset: close silently). Bytes of pipelined requests stay in `buffer`.
asio::awaitable<error_code> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                         RequestHead& head, std::string& body,
                                         const ServerOptions& options) {
  head.clear();
  body.clear();
  HeadScanner scanner;
  std::size_t head_size = 0;
  while (head_size == 0) {
    auto scanned = scanner.scan(view_of(buffer), options.header_limit);
    if (!scanned) {
      co_return scanned.error();
    }
    head_size = *scanned;
    if (head_size == 0) {
      if (auto ec = co_await read_more(stream, buffer, kReadSize)) {
        co_return ec;
      }
    }
  }
  if (auto parsed = parse_request_head(view_of(buffer).substr(0, head_size), head); !parsed) {
    co_return parsed.error();
  }
  buffer.consume(head_size);
  if (head.body == RequestHead::Body::none) {
    co_return error_code{};
  }
  const bool too_large =
      head.body == RequestHead::Body::length && head.content_length > options.max_body;
  if (head.expect_continue && buffer.size() == 0 && !too_large) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(kContinue),
                                              asio::as_tuple(asio::use_awaitable));
    if (ec) {
      co_return ec;
    }
  }
  co_return co_await read_body(stream, buffer, head, body, options);
}

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

// Status line and header section of `response` into `out` (cleared first).
void serialize_head(const Response& response, bool keep_alive, bool http10, std::string& out) {
  out.clear();
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(response.status));
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  for (const Header& field : response.headers()) {
    out += field.name;
    out += ": ";
    out += field.value;
    out += "\r\n";
  }
  if (!response.location.empty()) {
    out += "Location: ";
    out += response.location;
    out += "\r\n";
  }
  if (response.status != 304) {
    out += "Content-Length: ";
    append_number(out, response.body().size());
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

thread_local DateCache t_date_cache;

RouteContext make_context(const ServerShared& shared) {
  RouteContext context;
  context.now = common::now_seconds();
  context.date = t_date_cache.text(context.now);
  context.cache_control = shared.cache_control;
  context.metrics = &shared.metrics;
  context.hooks = shared.options.hooks;
  return context;
}

// Unregisters the session and decrements the open count when the coroutine ends.
class Registration {
 public:
  Registration(ServerShared& shared, std::shared_ptr<SessionControl> control)
      : shared_(shared), control_(std::move(control)) {
    std::lock_guard lock(shared_.sessions_mutex);
    shared_.sessions.insert(control_);
  }
  ~Registration() {
    control_->socket = nullptr;
    {
      std::lock_guard lock(shared_.sessions_mutex);
      shared_.sessions.erase(control_);
    }
    shared_.open_connections.fetch_sub(1, std::memory_order_relaxed);
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

// NOLINTNEXTLINE(readability-function-size): 84 lines; to be split with the session rewrite.
asio::awaitable<void> run_session(asio::ip::tcp::socket socket, ServerShared& shared) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  auto control = std::make_shared<SessionControl>();
  control->executor = socket.get_executor();
  beast::tcp_stream stream(std::move(socket));
  control->socket = &stream.socket();
  Registration registration(shared, control);
  const std::string remote = shared.options.access_log ? remote_of(stream.socket()) : "";
  error_code ignored;
  stream.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  // A send buffer that holds a whole typical feed: one write per response, not several
  // rounds through epoll while the kernel's autotuning catches up (4x the req/s at 66 KB).
  stream.socket().set_option(asio::socket_base::send_buffer_size(512 * 1024), ignored);
  asio::steady_timer file_deadline(control->executor);

  beast::flat_buffer buffer;
  RequestHead request;
  std::string body;
  std::string head;
  head.reserve(512);
  const auto timeout = shared.options.timeout;

  // A stopping server still reads and answers a new connection's first request: the client
  // connected before the listening socket was closed (or the socket is systemd's, and the
  // next process would have answered it), so closing it unread would reset it.
  while (control->fresh || !shared.stopping.load(std::memory_order_acquire)) {
    stream.expires_after(timeout);  // for the whole request: a slow client gets no more
    const error_code ec = co_await read_request(stream, buffer, request, body, shared.options);
    control->busy = true;
    control->fresh = false;
    RouteContext context = make_context(shared);
    bool keep_alive = false;
    Response response;
    std::shared_ptr<const feeds::Snapshot> snapshot;
    if (ec) {
      const int status = status_of(ec);
      if (status == 0) {
        break;  // end of stream, timeout, reset, or stopping
      }
      log::debug("http", remote_of(stream.socket()) + ": refused request (" +
                             std::to_string(status) + "): " + ec.message());
      response = error_response(status, context);
    } else {
      snapshot = shared.store.load();  // once per request; kept until the write completes
      response = route(request.to_request(body), *snapshot, context);
      keep_alive = request.keep_alive && !shared.stopping.load(std::memory_order_acquire);
    }
    serialize_head(response, keep_alive, request.version == 10, head);
    const std::string_view body = response.head ? std::string_view{} : response.body();
    error_code wec;
    std::size_t written = 0;
    if (!body.empty() && response.body_file >= 0) {
      // Big snapshot bodies go out with sendfile() from their memfd (no user-space copy).
      file_deadline.expires_after(timeout);
      file_deadline.async_wait([control](error_code timer_ec) {
        if (!timer_ec && control->socket != nullptr) {
          error_code ignored_ec;
          control->socket->cancel(ignored_ec);
        }
      });
      std::tie(wec, written) =
          co_await send_with_file(stream.socket(), head, response.body_file, body.size());
      file_deadline.cancel();
    } else {
      const std::array<asio::const_buffer, 2> buffers = {asio::buffer(head), asio::buffer(body)};
      stream.expires_after(timeout);
      std::tie(wec, written) = co_await asio::async_write(stream, buffers, token);
    }
    shared.metrics.record(response.route, response.status, written);
    if (shared.options.access_log) {
      log::info("access", remote + " \"" + request.method + " " + request.target + "\" " +
                              std::to_string(response.status) + " " + std::to_string(written));
    }
    control->busy = false;
    if (wec || !keep_alive) {
      if (!wec && ec) {
        co_await linger(stream);
      }
      break;
    }
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream.close();
}

}  // namespace feedd::daemon
