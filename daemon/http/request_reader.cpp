#include "daemon/http/request_reader.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

#include "daemon/http/chunked_decoder.h"
#include "daemon/http/http_io.h"
#include "daemon/http/request_parser.h"

namespace feedd::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

// Appends what one read returns (at most `max` bytes) to `buffer`: what the socket already
// holds (it is in non-blocking mode), else what arrives before the stream's deadline.
asio::awaitable<error_code> read_more_request_bytes(beast::tcp_stream& stream,
                                                    beast::flat_buffer& buffer, std::size_t max) {
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
asio::awaitable<error_code> read_request_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
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
        if (auto ec = co_await read_more_request_bytes(stream, buffer,
                                                       std::min(missing, 4 * kReadSize))) {
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
    if (auto ec = co_await read_more_request_bytes(stream, buffer, 4 * kReadSize)) {
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

}  // namespace

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
  co_return co_await read_request_body(stream, b.input, head, b.body, options);
}

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
      if (auto ec = co_await read_more_request_bytes(stream, b.input, head_read_size(b.input))) {
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

}  // namespace feedd::daemon
