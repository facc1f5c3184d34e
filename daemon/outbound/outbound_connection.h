// One open outgoing connection, plain TCP or TLS over TCP, to the address it was opened to
// (checked against the SSRF policy then): what http_exchange writes requests to and what
// ConnectionPool keeps between requests. Not thread-safe: used on the HttpClient's strand
// only. Owns its socket; close() is idempotent and the destructor closes.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <variant>

namespace feedd::daemon {

class OutboundConnection {
 public:
  using Plain = boost::beast::tcp_stream;
  using Secure = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  // Not connected yet: connect lowest() (then start_tls() for https).
  explicit OutboundConnection(const boost::asio::any_io_executor& executor)
      : stream_(std::in_place_type<Plain>, executor) {}

  // Wraps the (connected) plain stream in TLS, before the handshake; `tls` must outlive this.
  void start_tls(boost::asio::ssl::context& tls);
  Plain& lowest();
  Plain* plain() { return std::get_if<Plain>(&stream_); }     // null once TLS
  Secure* secure() { return std::get_if<Secure>(&stream_); }  // null while plain
  const boost::asio::ip::tcp::endpoint& peer() const { return peer_; }
  void set_peer(const boost::asio::ip::tcp::endpoint& peer) { peer_ = peer; }
  // False when the peer has closed its end (or reset it) or sent bytes nobody asked for: a
  // non-blocking peek at the socket, so that a kept connection the server dropped while it
  // was idle is not used for the next request.
  bool looks_idle();
  void close();

 private:
  std::variant<Plain, Secure> stream_;
  boost::asio::ip::tcp::endpoint peer_;
};

}  // namespace feedd::daemon
