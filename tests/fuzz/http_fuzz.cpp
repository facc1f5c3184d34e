// libFuzzer target: the HTTP server's request parsing and routing, end to end on one
// connection. Each input is the byte stream a client sends (one or more pipelined requests);
// it goes through a socketpair into the real per-connection coroutine (daemon/http/http_session:
// Beast parser, limits, router, webhook endpoint, response writer) serving a fixed snapshot of
// the sample store (etc/posts), built once in LLVMFuzzerInitialize. The client half-closes
// after sending and drains every answer. Invariant: whatever the server writes starts with an
// HTTP/1.1 status line.
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "daemon/config.h"
#include "daemon/hooks/webhook_endpoint.h"
#include "daemon/http/http_session.h"
#include "daemon/http/metrics.h"
#include "daemon/http/snapshot_store.h"
#include "daemon/log.h"
#include "daemon/pipeline/site_pipeline.h"
#include "daemon/pipeline/snapshot_builder.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace asio = boost::asio;
using namespace feedd;

struct Fixture {
  std::unique_ptr<daemon::SnapshotStore> store;
  daemon::Metrics metrics;
  std::unique_ptr<daemon::WebhookEndpoint> hooks;
  std::unique_ptr<daemon::ServerShared> shared;
  asio::io_context io;
};
Fixture* g_fixture = nullptr;

// The sample configuration and store, rendered at a fixed time into the served snapshot.
std::shared_ptr<const feeds::Snapshot> sample_snapshot() {
  const std::filesystem::path config_path = FEEDD_SOURCE_DIR "/etc/feedd.toml";
  std::ifstream in(config_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  daemon::Config config = daemon::parse_config(text.str(), config_path);
  char state[] = "/tmp/feedd-http-fuzz-XXXXXX";
  if (mkdtemp(state) == nullptr) {
    fuzz::invariant_failed("mkdtemp", state);
  }
  config.store.index = std::filesystem::path(state) / "index.sqlite";
  const auto now = std::chrono::sys_seconds(std::chrono::seconds(1767225600));  // 2026-01-01
  std::shared_ptr<const feeds::Snapshot> snapshot;
  {
    daemon::SitePipeline pipeline(config);
    pipeline.scan(now);
    snapshot = daemon::build_snapshot(pipeline, config, now, 1, nullptr);
  }
  std::filesystem::remove_all(state);
  return snapshot;
}

asio::awaitable<void> send_all(asio::local::stream_protocol::socket& client,
                               std::string_view input) {
  auto [ec, n] = co_await asio::async_write(client, asio::buffer(input.data(), input.size()),
                                            asio::as_tuple(asio::use_awaitable));
  (void)n;
  boost::system::error_code ignored;
  client.shutdown(asio::socket_base::shutdown_send, ignored);
  (void)ec;
}

asio::awaitable<void> drain(asio::local::stream_protocol::socket& client, std::string& head) {
  std::array<char, 65536> buffer;
  while (true) {
    auto [ec, n] =
        co_await client.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (head.size() < 16) {
      head.append(buffer.data(), std::min<std::size_t>(n, 16 - head.size()));
    }
    if (ec) {
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  daemon::log::set_threshold(daemon::log::Level::error);
  g_fixture = new Fixture;
  g_fixture->store = std::make_unique<daemon::SnapshotStore>(sample_snapshot());
  // The GitHub test vector's secret, so a seed can carry a valid signature; no command.
  g_fixture->hooks = std::make_unique<daemon::WebhookEndpoint>(
      "It's a Secret to Everybody", std::vector<std::string>{}, std::chrono::seconds(1),
      [](std::string) {});
  daemon::ServerOptions options;
  options.timeout = std::chrono::seconds(30);  // never reached: libFuzzer's -timeout is 1 s
  options.max_body = 4096;
  options.header_limit = 2048;
  options.hooks = g_fixture->hooks.get();
  g_fixture->shared =
      std::make_unique<daemon::ServerShared>(options, *g_fixture->store, g_fixture->metrics, 1000);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    fuzz::invariant_failed("socketpair", "");
  }
  auto& io = g_fixture->io;
  // The session takes a TCP socket; over a socketpair only its TCP options fail (ignored).
  asio::ip::tcp::socket server(io, asio::ip::tcp::v4(), fds[0]);
  asio::local::stream_protocol::socket client(io, asio::local::stream_protocol(), fds[1]);
  std::string head;
  // run_session never throws (its contract): an exception escapes io.run() and is a crash.
  const auto rethrow = [](std::exception_ptr error) {
    if (error) {
      std::rethrow_exception(error);
    }
  };
  asio::co_spawn(io, daemon::run_session(std::move(server), *g_fixture->shared), rethrow);
  asio::co_spawn(io, send_all(client, input), rethrow);
  asio::co_spawn(io, drain(client, head), rethrow);
  io.restart();
  io.run();
  if (!head.empty() && !std::string_view(head).starts_with("HTTP/1.1 ")) {
    fuzz::invariant_failed("response without a status line", head);
  }
  return 0;
}
