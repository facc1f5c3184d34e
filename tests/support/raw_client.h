// A blocking HTTP/1.1 client for tests that sends exact bytes over loopback and reads the
// responses with Beast, plus readers of feedd's /metrics. Talks to any server: an in-process
// one (tests/server) or a feedd process (tests/integration). Header-only. Not thread-safe:
// one client per thread. Failures throw (Boost.Test reports them).
#pragma once

#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace feedd::testing {

using RawReply = boost::beast::http::response<boost::beast::http::string_body>;

// One blocking connection that sends exact bytes.
struct RawClient {
  explicit RawClient(std::uint16_t port, int receive_buffer = 0) {
    socket.open(boost::asio::ip::tcp::v4());
    if (receive_buffer > 0) {
      socket.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    }
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  void send(std::string_view raw) { boost::asio::write(socket, boost::asio::buffer(raw)); }
  // The next response (throws if the connection ends first).
  RawReply read(bool head = false) {
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(head);
    boost::beast::http::read(socket, buffer, parser);
    return parser.release();
  }
  RawReply request(std::string_view raw) {
    send(raw);
    return read();
  }
  // Reads bytes into `drained` until the server closes the connection (true), or `limit`
  // passes without that (false). A bound on a wait, not a timing assertion.
  bool closed_within(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    const auto pending = buffer.data();
    drained.append(static_cast<const char*>(pending.data()), pending.size());
    buffer.consume(buffer.size());
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd fd{socket.native_handle(), POLLIN, 0};
      if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
        return false;
      }
      char bytes[4096];
      boost::system::error_code ec;
      const std::size_t n = socket.read_some(boost::asio::buffer(bytes), ec);
      if (ec) {
        return true;  // end of stream or reset
      }
      drained.append(bytes, n);
    }
  }
  // Drains the connection: true at a clean end of stream (FIN), false at a reset.
  bool ends_cleanly() {
    char bytes[4096];
    boost::system::error_code ec;
    while (!ec) {
      socket.read_some(boost::asio::buffer(bytes), ec);
    }
    return ec == boost::asio::error::eof;
  }

  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
  std::string drained;  // what closed_within() read
};

inline std::string field_of(const RawReply& reply, std::string_view name) {
  auto it = reply.find(name);
  return it == reply.end() ? "<absent>" : std::string(it->value());
}

// The value of feedd_http_requests_total{route=...,status=...} in a /metrics body; 0 when
// the series is absent (it appears once counted).
inline long requests_counted(const std::string& metrics, std::string_view route,
                             std::string_view status) {
  const std::string series = "feedd_http_requests_total{route=\"" + std::string(route) +
                             "\",status=\"" + std::string(status) + "\"} ";
  const auto at = metrics.find(series);
  return at == std::string::npos ? 0 : std::stol(metrics.substr(at + series.size()));
}

inline std::string metrics_of(std::uint16_t port) {
  RawClient client(port);
  return client.request("GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").body();
}

}  // namespace feedd::testing
