// A listening socket that outlives the servers on it, as feedd.socket outlives each feedd
// process across `systemctl restart`: servers are stopped one after another while clients
// open a connection per request, and every request is answered whole, by the stopping server
// or, from the kernel's queue, by the next one. Nothing is reset (a reset is what a reader
// sees as a failed poll). In process, so that the sanitizer trees run it too.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <thread>

#include "common/unique_fd.h"
#include "daemon/http/http_server.h"
#include "daemon/http/snapshot_store.h"
#include "daemon/log.h"
#include "tests/support/generation_snapshot.h"
#include "tests/support/load_client.h"
#include "tests/support/test_support.h"

namespace feedd::testing {

BOOST_AUTO_TEST_SUITE(socket_handover_test)

BOOST_AUTO_TEST_CASE(connections_made_while_servers_stop_are_answered_by_one_or_the_next) {
  // Enough stops to meet the race that reset connections: a context whose sessions had ended
  // finished its run() while another context's acceptor still handed connections to it.
  constexpr int kStops = 150;
  daemon::log::set_threshold(daemon::log::Level::warning);
  daemon::SnapshotStore store(generation_snapshot(1));
  daemon::Metrics metrics;

  const common::UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  BOOST_REQUIRE(listen(listener.get(), 4096) == 0);
  socklen_t length = sizeof address;
  BOOST_REQUIRE(getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::uint16_t port = ntohs(address.sin_port);

  // A server on its own descriptor of the held socket, as each feedd process gets one.
  auto serve = [&] {
    daemon::ServerOptions options;
    options.listen.clear();
    options.inherited_fds = {fcntl(listener.get(), F_DUPFD_CLOEXEC, 0)};
    options.threads = 2;
    auto server = std::make_unique<daemon::HttpServer>(options, store, metrics);
    server->start();
    return server;
  };
  auto server = serve();

  const std::vector<std::string> plan = {get_request("/g.txt", "Connection: close\r\n")};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> answered{0};
  std::vector<ClientLog> logs(4);
  std::vector<std::thread> clients;
  for (auto& log : logs) {
    clients.emplace_back([&] { run_client(port, plan, 1, stop, answered, log); });
  }
  bool overlapped = true;
  for (int i = 0; i < kStops && overlapped; ++i) {
    overlapped = clients_answered_since(answered, answered.load());  // connecting right now
    server->stop();
    server->wait();
    server = serve();
  }
  overlapped = overlapped && clients_answered_since(answered, answered.load());
  stop = true;
  for (auto& client : clients) {
    client.join();
  }
  server->stop();
  server->wait();

  BOOST_REQUIRE_MESSAGE(overlapped, "the clients stopped being answered");
  std::size_t answers = 0;
  std::vector<std::string> problems;
  for (const auto& log : logs) {
    problems.insert(problems.end(), log.errors.begin(), log.errors.end());
    for (const auto& answer : log.answers) {
      ++answers;
      if (answer.status != 200 || generation_named_by(answer.body) != 1) {
        problems.push_back("status " + std::to_string(answer.status) + ", " +
                           std::to_string(answer.body.size()) + " bytes");
      }
    }
  }
  BOOST_TEST(answers > static_cast<std::size_t>(kStops));
  BOOST_TEST(problems.empty(), problems.size() << " problems, the first: "
                                               << (problems.empty() ? "" : problems.front()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
