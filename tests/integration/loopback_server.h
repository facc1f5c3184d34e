// Test fixtures for the HTTP server over real loopback sockets: an in-process server on
// 127.0.0.1 port 0 over a small temporary store, and a raw client that sends exact bytes
// and reads responses with Beast. Header-only (the integration suite links the daemon).
// Not thread-safe: one client per thread. Failures throw (Boost.Test reports them).
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
#include <memory>
#include <string>

#include "daemon/config.h"
#include "daemon/http/http_server.h"
#include "daemon/log.h"
#include "daemon/pipeline/site_pipeline.h"
#include "daemon/pipeline/snapshot_builder.h"
#include "tests/support/test_support.h"

namespace feedd::testing {

struct LoopbackOptions {
  int timeout_s = 5;                // server.timeout_s
  bool big = false;                 // add a post that makes /en/feed.json a few MB
  int threads = 1;                  // I/O threads: with one, a stuck session would stall all
  std::size_t max_connections = 0;  // 0: from RLIMIT_NOFILE
};

// feedd's HttpServer over a store of three posts (plus a big one when asked); no webhook
// secret, so a request that reaches POST /hooks/rebuild is answered 401 (route "hook").
struct LoopbackServer {
  explicit LoopbackServer(LoopbackOptions opts = {}) {
    daemon::log::set_threshold(daemon::log::Level::warning);
    write_file(dir / "posts/hello.md",
               "---\ntitle: Hello\ndate: 2025-01-02\nlang: en\n---\nFirst English post with "
               "enough text to be worth compressing. " +
                   std::string(40, 'x') + "\n");
    write_file(dir / "posts/second.md",
               "---\ntitle: Second\ndate: 2025-01-05\nlang: en\n---\nAnother post.\n");
    write_file(dir / "posts/konnichiwa.md",
               "---\ntitle: こんにちは\ndate: 2025-01-03\nlang: ja\n---\n日本語の本文です。\n");
    if (opts.big) {
      std::string body;
      for (int i = 0; i < 60000; ++i) {
        body += "Paragraph number " + std::to_string(i) + " of a very long post.\n\n";
      }
      write_file(dir / "posts/big.md", "---\ntitle: Big\ndate: 2025-01-06\nlang: en\n---\n" + body);
    }
    const auto path = write_config(
        dir.path(), dir / "posts", dir / "index.sqlite",
        "[server]\ntimeout_s = " + std::to_string(opts.timeout_s) + "\n[hooks]\nmax_body = 1024\n");
    config = daemon::load_config(path);
    pipeline = std::make_unique<daemon::SitePipeline>(config);
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    pipeline->scan(now);
    store = std::make_unique<daemon::SnapshotStore>(
        daemon::build_snapshot(*pipeline, config, now, 1, nullptr));
    daemon::ServerOptions options;
    options.listen = {"127.0.0.1:0"};
    options.threads = opts.threads;
    options.max_connections = opts.max_connections;
    options.timeout = config.server.timeout;
    options.max_body = config.hooks.max_body;
    server = std::make_unique<daemon::HttpServer>(options, *store, metrics);
    server->start();
    port = server->ports().at(0);
  }
  ~LoopbackServer() {
    server->stop();
    server->wait();
  }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
  }

  TempDir dir;
  daemon::Config config;
  std::unique_ptr<daemon::SitePipeline> pipeline;
  std::unique_ptr<daemon::SnapshotStore> store;
  daemon::Metrics metrics;
  std::unique_ptr<daemon::HttpServer> server;
  std::uint16_t port = 0;
};

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
