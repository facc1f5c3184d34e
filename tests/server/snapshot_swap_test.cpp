// The HTTP server's threads answering while snapshots are swapped under them, in process, for
// ThreadSanitizer (CI's TSan tree) as much as for the results: every answer must come whole
// from one generation, and never from an older one than the last on its connection.
// Client threads only record; every assertion is made on the main thread.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <thread>

#include "daemon/http/http_server.h"
#include "daemon/http/snapshot_store.h"
#include "daemon/log.h"
#include "tests/support/generation_snapshot.h"
#include "tests/support/load_client.h"
#include "tests/support/test_support.h"

namespace feedd::testing {

BOOST_AUTO_TEST_SUITE(snapshot_swap_test)

BOOST_AUTO_TEST_CASE(server_threads_answer_from_whole_snapshots_while_they_are_swapped) {
  constexpr std::uint64_t kLast = 60;
  daemon::log::set_threshold(daemon::log::Level::warning);
  daemon::SnapshotStore store(generation_snapshot(1));
  daemon::Metrics metrics;
  daemon::ServerOptions options;
  options.listen = {"127.0.0.1:0"};
  options.threads = 4;
  daemon::HttpServer server(options, store, metrics);
  server.start();
  const std::uint16_t port = server.ports().at(0);
  // What each generation's representations are, to check every answer against.
  std::map<std::string, std::uint64_t> generation_of_etag;
  auto remember = [&](const feeds::Snapshot& snapshot) {
    for (auto coding : {feeds::Coding::identity, feeds::Coding::gzip, feeds::Coding::br}) {
      if (const auto* representation = snapshot.find("/g.txt")->get(coding)) {
        generation_of_etag[representation->etag] = snapshot.generation();
      }
    }
  };
  remember(*store.load());

  // Identity (sendfile from the memfd), gzip (from memory), /metrics (reads the counters
  // the other threads write); kept-alive and fresh connections.
  const std::vector<std::vector<std::string>> plans = {
      {get_request("/g.txt")},
      {get_request("/g.txt", "Accept-Encoding: gzip\r\n"), get_request("/metrics")},
      {get_request("/g.txt", "Accept-Encoding: br\r\n"), get_request("/g.txt")},
      {get_request("/g.txt")}};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> answered{0};
  std::vector<ClientLog> logs(plans.size());
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    clients.emplace_back(
        [&, i] { run_client(port, plans[i], i == 3 ? 2 : 0, stop, answered, logs[i]); });
  }
  // Each swap happens while the clients are running (they answered since the last one).
  bool overlapped = true;
  for (std::uint64_t generation = 2; generation <= kLast && overlapped; ++generation) {
    auto next = generation_snapshot(generation);
    remember(*next);
    overlapped = clients_answered_since(answered, answered.load());
    store.publish(std::move(next));
  }
  overlapped = overlapped && clients_answered_since(answered, answered.load());
  stop = true;
  for (auto& client : clients) {
    client.join();
  }
  server.stop();
  server.wait();

  BOOST_REQUIRE_MESSAGE(overlapped, "the clients stopped answering");
  std::size_t answers = 0;
  std::size_t gzip_answers = 0;
  std::size_t identity_answers = 0;
  std::vector<std::string> problems;
  for (const auto& log : logs) {
    problems.insert(problems.end(), log.errors.begin(), log.errors.end());
    std::uint64_t last = 0;
    for (const auto& answer : log.answers) {
      ++answers;
      const auto known = generation_of_etag.find(answer.etag);
      if (answer.status != 200) {
        problems.push_back("status " + std::to_string(answer.status));
      } else if (answer.etag.empty()) {
        continue;  // /metrics
      } else if (known == generation_of_etag.end()) {
        problems.push_back("unknown ETag " + answer.etag);
      } else if (known->second < last) {
        problems.push_back("generation went back on one connection");
      } else if (answer.etag.find("-gz") != std::string::npos) {
        ++gzip_answers;
      } else if (answer.etag.find("-br") == std::string::npos) {
        ++identity_answers;
        if (generation_named_by(answer.body) != known->second ||
            answer.body != generation_body(known->second)) {
          problems.push_back("identity body of another generation than its ETag " + answer.etag);
        }
      }
      last = known == generation_of_etag.end() ? last : known->second;
    }
  }
  BOOST_TEST(problems.empty(), problems.size() << " problems in " << answers << " answers, first: "
                                               << (problems.empty() ? "" : problems.front()));
  BOOST_TEST(gzip_answers > 0u);
  BOOST_TEST(identity_answers > 0u);
  BOOST_TEST(logs[3].connections > 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
