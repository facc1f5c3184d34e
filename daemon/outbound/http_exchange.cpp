#include "daemon/outbound/http_exchange.h"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <charconv>
#include <memory>
#include <vector>

#include "daemon/outbound/address_policy.h"
#include "daemon/outbound/outbound_error.h"

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto kToken = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

error_code classify(const error_code& ec, OutboundError otherwise) {
  if (ec == beast::error::timeout) {
    return OutboundError::timed_out;
  }
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    return OutboundError::response_too_large;
  }
  const auto& http_category = make_error_code(http::error::bad_version).category();
  if (ec.category() == http_category && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return OutboundError::bad_response;
  }
  return otherwise;
}

// Resolves with a deadline; keeps only the addresses the request may reach.
asio::awaitable<boost::system::result<std::vector<tcp::endpoint>>> resolve(
    const OutboundUrl& url, const OutboundRequest& request, std::chrono::milliseconds limit) {
  boost::system::error_code not_literal;
  const auto literal = asio::ip::make_address(url.host, not_literal);
  if (!not_literal) {  // no resolver: it would hop to Asio's resolver thread and back
    if (!request.allow_private && is_private_destination(literal)) {
      co_return OutboundError::forbidden_address;
    }
    std::uint16_t port = 0;
    const auto [end, ec] =
        std::from_chars(url.port.data(), url.port.data() + url.port.size(), port);
    if (ec != std::errc() || end != url.port.data() + url.port.size()) {
      co_return OutboundError::resolve_failed;
    }
    co_return std::vector<tcp::endpoint>{{literal, port}};
  }
  const auto executor = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(executor);
  asio::steady_timer timer(executor, limit);
  timer.async_wait([resolver](const error_code& ec) {
    if (!ec) {
      resolver->cancel();
    }
  });
  auto [ec, results] = co_await resolver->async_resolve(url.host, url.port, kToken);
  timer.cancel();
  if (ec || results.empty()) {
    co_return OutboundError::resolve_failed;
  }
  std::vector<tcp::endpoint> allowed;
  for (const auto& entry : results) {
    if (request.allow_private || !is_private_destination(entry.endpoint().address())) {
      allowed.push_back(entry.endpoint());
    }
  }
  if (allowed.empty()) {
    co_return OutboundError::forbidden_address;
  }
  co_return allowed;
}

OutboundResponse to_response(http::response<http::string_body>&& message) {
  OutboundResponse response;
  response.status = message.result_int();
  for (const auto& field : message) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(message.body());
  return response;
}

// What one attempt on a connection gave.
struct Attempt {
  OutboundResult result;
  bool unanswered = false;  // failed before any byte of a response arrived, not by a deadline
  bool reusable = false;    // answered in full, and the connection may carry another request
};

template <class Stream>
asio::awaitable<Attempt> write_and_read(Stream& stream, const OutboundUrl& url,
                                        const OutboundRequest& request,
                                        const ClientOptions& options, bool keep_alive) {
  auto& lowest = beast::get_lowest_layer(stream);
  // The body is borrowed, not copied: a delivery's shared feed bytes outlive the exchange.
  http::request<http::span_body<const char>> message{request.method, url.target, 11};
  message.set(http::field::host, url.host_header);
  message.set(http::field::user_agent, options.user_agent);
  if (!keep_alive) {
    message.set(http::field::connection, "close");
  }
  for (const auto& [name, value] : request.headers) {
    if (beast::iequals(name, "host")) {
      message.set(http::field::host, value);  // a cache's PURGE names the site, not the cache
    } else {
      message.insert(name, value);
    }
  }
  const std::string& body = request.shared_body ? *request.shared_body : request.body;
  message.body() = {body.data(), body.size()};
  if (!message.body().empty() || request.method == http::verb::post) {
    message.prepare_payload();
  }
  lowest.expires_after(options.write_timeout);
  auto [write_ec, written] = co_await http::async_write(stream, message, kToken);
  if (write_ec) {
    co_return Attempt{classify(write_ec, OutboundError::io_failed),
                      write_ec != beast::error::timeout, false};
  }
  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(options.max_response_bytes);
  parser.skip(request.method == http::verb::head);
  beast::flat_buffer buffer;
  lowest.expires_after(options.read_timeout);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kToken);
  lowest.expires_never();
  if (read_ec == http::error::body_limit && parser.is_header_done()) {
    // The status stands: a subscriber that answers a delivery 200 with a large page has
    // taken it (retrying would deliver it again). Only the body, which no caller needs this
    // large (a verification echoes a short challenge), is dropped, with the connection.
    auto message = parser.release();
    message.body().clear();
    message.body().shrink_to_fit();
    co_return Attempt{to_response(std::move(message)), false, false};
  }
  if (read_ec) {
    const bool unanswered =
        !parser.got_some() && buffer.size() == 0 && read_ec != beast::error::timeout;
    co_return Attempt{classify(read_ec, OutboundError::io_failed), unanswered, false};
  }
  // keep_alive() is false for Connection: close, an HTTP/1.0 answer without keep-alive, and
  // a body that ends only with the connection; bytes beyond the response forbid reuse too.
  const bool reusable = keep_alive && parser.keep_alive() && buffer.size() == 0;
  co_return Attempt{to_response(parser.release()), false, reusable};
}

asio::awaitable<Attempt> attempt_on(OutboundConnection& connection, const OutboundUrl& url,
                                    const OutboundRequest& request,
                                    const ExchangeContext& context) {
  const bool keep_alive = context.pool.enabled();
  if (auto* secure = connection.secure()) {
    co_return co_await write_and_read(*secure, url, request, context.options, keep_alive);
  }
  // No TLS stream at all for http: its SSL object cost a plain request allocations.
  co_return co_await write_and_read(*connection.plain(), url, request, context.options, keep_alive);
}

// A new connection to the first of `endpoints` that accepts, TLS on top for https, within
// the connect deadline counted from `started`.
asio::awaitable<boost::system::result<std::unique_ptr<OutboundConnection>>> open_connection(
    const OutboundUrl& url, const std::vector<tcp::endpoint>& endpoints,
    const ExchangeContext& context, std::chrono::steady_clock::time_point started,
    std::function<void()>& abort) {
  const auto limit = context.options.resolve_connect_timeout;
  const auto left = [&] {
    return std::max(std::chrono::milliseconds(1),
                    limit - std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started));
  };
  const auto executor = co_await asio::this_coro::executor;
  auto connection = std::make_unique<OutboundConnection>(executor);
  abort = [raw = connection.get()] { raw->close(); };
  connection->lowest().expires_after(left());
  auto [connect_ec, peer] = co_await connection->lowest().async_connect(endpoints, kToken);
  if (connect_ec) {
    co_return classify(connect_ec, OutboundError::connect_failed);
  }
  connection->set_peer(peer);
  ++context.counters.opened;
  // The request goes out in one write and the answer is awaited: with Nagle's algorithm the
  // body's last partial segment waits for the peer's delayed ACK (40 ms on Linux).
  error_code no_delay_ec;
  connection->lowest().socket().set_option(asio::ip::tcp::no_delay(true), no_delay_ec);
  if (!url.tls) {
    co_return std::move(connection);
  }
  connection->start_tls(context.tls);
  auto& stream = *connection->secure();
  error_code ignored;
  if (asio::ip::make_address(url.host, ignored), ignored) {  // SNI for names only
    SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
  }
  stream.set_verify_mode(asio::ssl::verify_peer);
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  connection->lowest().expires_after(left());
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kToken);
  connection->lowest().expires_never();
  if (handshake_ec) {
    co_return classify(handshake_ec, OutboundError::tls_failed);
  }
  co_return std::move(connection);
}

}  // namespace

asio::awaitable<OutboundResult> http_exchange(const OutboundUrl& url,
                                              const OutboundRequest& request,
                                              ExchangeContext context,
                                              std::function<void()>& abort) {
  // Whatever way this ends, `abort` must not outlive the connection it closes.
  struct ClearAbort {
    std::function<void()>& abort;
    ~ClearAbort() { abort = nullptr; }
  } clear_abort{abort};
  auto started = std::chrono::steady_clock::now();
  auto endpoints = co_await resolve(url, request, context.options.resolve_connect_timeout);
  if (!endpoints) {
    co_return endpoints.error();
  }
  // The pool's key names the checked addresses: a kept connection goes only to an address
  // this request may reach (checked when it was opened, and allowed again just now).
  const std::string key = url.key();
  if (auto kept = context.pool.take(key, *endpoints)) {
    ++context.counters.reused;
    bool aborted = false;
    abort = [&aborted, raw = kept.get()] {
      aborted = true;
      raw->close();
    };
    auto attempt = co_await attempt_on(*kept, url, request, context);
    if (!attempt.unanswered || aborted) {
      if (attempt.reusable) {
        context.pool.put(key, std::move(kept));
      }
      co_return std::move(attempt.result);
    }
    // The server closed the kept connection before this request reached it or without a
    // byte of an answer (its keep-alive timeout raced the request): sent once more, on a new
    // connection. Safe here: nothing was answered, and what this client sends is retried by
    // its users anyway (WebSub deliveries and pings from their outbox; purges are
    // idempotent), so a server that acted on it and then hung up gets what a retry gives.
    ++context.counters.retried;
    abort = nullptr;  // it closes `kept`, gone at the end of this block
    started = std::chrono::steady_clock::now();
  }
  auto fresh = co_await open_connection(url, *endpoints, context, started, abort);
  if (!fresh) {
    co_return fresh.error();
  }
  auto connection = std::move(*fresh);
  auto attempt = co_await attempt_on(*connection, url, request, context);
  if (attempt.reusable) {
    context.pool.put(key, std::move(connection));
  }
  co_return std::move(attempt.result);
}

}  // namespace feedd::daemon
