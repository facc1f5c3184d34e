// The HTTP server in process over real loopback sockets: feedd's HttpServer on 127.0.0.1
// port 0 over a small temporary store, for the server suite (tests/server), which is built in
// every sanitizer tree because the server runs inside the test. Clients: raw_client.h.
// Header-only. Failures throw (Boost.Test reports them).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "daemon/config.h"
#include "daemon/http/http_server.h"
#include "daemon/log.h"
#include "daemon/pipeline/site_pipeline.h"
#include "daemon/pipeline/snapshot_builder.h"
#include "tests/support/raw_client.h"
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

}  // namespace feedd::testing
