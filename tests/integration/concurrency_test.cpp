// The concurrent parts under load, for ThreadSanitizer (build/tsan in .ci/run) as much as for
// their results: the HTTP server's threads answering while snapshots are swapped under them
// (in process), and the real daemon serving clients on kept-alive connections while the
// store changes, SIGHUP reloads (good and bad configurations) and a webhook's worker runs.
// Client threads only record; every assertion is made on the main thread.
#include <signal.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/test/unit_test.hpp>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "common/encoding.h"
#include "common/hmac.h"
#include "daemon/http/http_server.h"
#include "daemon/http/snapshot_store.h"
#include "daemon/log.h"
#include "tests/support/feedd_process.h"
#include "tests/support/generation_snapshot.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

// One client thread's view: every answer's status, ETag and body as they came, plus the
// errors that ended a connection. Written by its thread, read after join().
struct ClientLog {
  struct Answer {
    int status = 0;
    std::string etag;
    std::string body;
  };
  std::vector<Answer> answers;
  std::vector<std::string> errors;
  int connections = 0;
};

// Sends `requests` in turn on kept-alive connections to 127.0.0.1:port until `stop`, opening
// a new connection every `per_connection` requests (0: one connection throughout), and
// counts each answer in `answered`.
void run_client(std::uint16_t port, const std::vector<std::string>& requests,
                std::size_t per_connection, const std::atomic<bool>& stop,
                std::atomic<std::uint64_t>& answered, ClientLog& log) {
  asio::io_context io;
  std::size_t sent = 0;
  while (!stop.load()) {
    try {
      tcp::socket socket(io);
      socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
      ++log.connections;
      boost::beast::flat_buffer buffer;
      do {
        asio::write(socket, asio::buffer(requests[sent++ % requests.size()]));
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 << 20);
        http::read(socket, buffer, parser);
        auto reply = parser.release();
        auto etag = reply.find(http::field::etag);
        log.answers.push_back({static_cast<int>(reply.result_int()),
                               etag == reply.end() ? "" : std::string(etag->value()),
                               std::move(reply.body())});
        answered.fetch_add(1);
      } while (!stop.load() && (per_connection == 0 || sent % per_connection != 0));
    } catch (const std::exception& error) {
      log.errors.push_back(error.what());
      return;
    }
  }
}

std::string get(std::string_view target, std::string_view headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(headers) + "\r\n";
}

// Waits until `answered` grew past `from`: the clients are running at this moment.
bool clients_answered_since(const std::atomic<std::uint64_t>& answered, std::uint64_t from) {
  return eventually([&] { return answered.load() > from; }, 30s);
}

std::string post(const std::string& title, const std::string& lang, const std::string& date) {
  return "---\ntitle: " + title + "\ndate: " + date + "\nlang: " + lang + "\n---\nText of " +
         title + ".\n";
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The value of feedd_snapshot_generation in a /metrics body (0 when absent).
std::uint64_t served_generation(const std::string& metrics) {
  static const std::regex kGeneration("\nfeedd_snapshot_generation ([0-9]+)\n");
  std::smatch match;
  return std::regex_search(metrics, match, kGeneration) ? std::stoull(match[1]) : 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(concurrency_test)

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
      {get("/g.txt")},
      {get("/g.txt", "Accept-Encoding: gzip\r\n"), get("/metrics")},
      {get("/g.txt", "Accept-Encoding: br\r\n"), get("/g.txt")},
      {get("/g.txt")}};
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

BOOST_AUTO_TEST_CASE(daemon_keeps_answering_through_store_edits_sighup_reloads_and_a_webhook) {
  TempDir dir;
  const auto store = dir / "posts";
  write_file(store / "ja.md", post("日本語の記事", "ja", "2025-01-01"));
  write_file(store / "en.md", post("English post", "en", "2025-01-01"));
  const std::string base =
      "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 4\n"
      "[hooks]\nsecret = \"s3cret\"\ncommand = [\"true\"]\n";
  const auto config = write_config(dir.path(), store, dir / "index.sqlite", base);
  FeeddProcess feedd(config, dir / "serve.log");
  const int port = feedd.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port > 0, feedd.log());

  // Three clients, each on one connection for the whole test (a reload drops none), and
  // one that reconnects every other request.
  const std::vector<std::vector<std::string>> plans = {
      {get("/en/feed.json"), get("/metrics")},
      {get("/ja/atom.xml", "Accept-Encoding: gzip\r\n"), get("/")},
      {get("/metrics"), get("/atom.xml", "Accept-Encoding: br\r\n")},
      {get("/en/rss.xml"), get("/healthz")}};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> answered{0};
  std::vector<ClientLog> logs(plans.size());
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    clients.emplace_back([&, i] {
      run_client(static_cast<std::uint16_t>(port), plans[i], i == 3 ? 2 : 0, stop, answered,
                 logs[i]);
    });
  }
  auto serves = [&](const std::string& path, const std::string& text) {
    return fetch(port, path).body.find(text) != std::string::npos;
  };
  for (int round = 1; round <= 3; ++round) {
    // A store edit (the watcher and the regenerator), then a reload (a new pipeline).
    const std::string title = "Edit " + std::to_string(round);
    write_file(store / "edit.md", post(title, "en", "2025-02-0" + std::to_string(round)));
    FEEDD_REQUIRE_AFTER(eventually([&] { return serves("/en/atom.xml", title); }, 30s),
                        feedd.log());
    BOOST_REQUIRE(clients_answered_since(answered, answered.load()));
    feedd.signal(SIGHUP);
    FEEDD_REQUIRE_AFTER(eventually(
                            [&] {
                              return count(feedd.log(), "SIGHUP: configuration reloaded") ==
                                     static_cast<std::size_t>(round);
                            },
                            30s),
                        feedd.log());
  }
  // A signed webhook: its worker runs the command and asks the control thread to rescan.
  const std::string body = "{}";
  const auto signature = common::hex_encode(common::as_bytes(common::hmac_sha256("s3cret", body)));
  const auto hook = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X",
                                 "POST", "--max-time", "30", "-H", "X-GitHub-Event: push", "-H",
                                 "X-Hub-Signature-256: sha256=" + signature, "--data-binary", body,
                                 "http://127.0.0.1:" + std::to_string(port) + "/hooks/rebuild"});
  BOOST_TEST(hook.output == "202");
  FEEDD_CHECK_AFTER(
      eventually(
          [&] { return feedd.log().find("hooks.command true: exited 0") != std::string::npos; },
          30s),
      feedd.log());
  // A bad configuration on SIGHUP keeps the running one, and serving goes on.
  write_file(config, read_file(config) + "[feeds]\ncolour = 1\n");
  feedd.signal(SIGHUP);
  FEEDD_CHECK_AFTER(
      eventually([&] { return feedd.log().find("reload failed") != std::string::npos; }, 30s),
      feedd.log());
  BOOST_REQUIRE(clients_answered_since(answered, answered.load()));
  stop = true;
  for (auto& client : clients) {
    client.join();
  }
  BOOST_TEST(serves("/en/atom.xml", "Edit 3"));
  BOOST_TEST(served_generation(fetch(port, "/metrics").body) >= 7u, feedd.log());

  std::vector<std::string> problems;
  for (const auto& log : logs) {
    problems.insert(problems.end(), log.errors.begin(), log.errors.end());
    std::uint64_t last = 0;
    for (const auto& answer : log.answers) {
      const auto generation = served_generation(answer.body);
      if (answer.status != 200) {
        problems.push_back("status " + std::to_string(answer.status) + ": " + answer.body);
      } else if (generation != 0 && generation < last) {
        problems.push_back("generation went back on one connection");
      }
      last = std::max(last, generation);
    }
  }
  BOOST_TEST(problems.empty(),
             problems.size() << " problems, first: " << (problems.empty() ? "" : problems.front()));
  for (const auto& log : logs) {
    BOOST_TEST(!log.answers.empty());
  }
  BOOST_TEST(logs[0].connections == 1, "a reload closed a kept-alive connection");
  BOOST_TEST(logs[3].connections > 1);
  feedd.signal(SIGTERM);
  BOOST_TEST(feedd.wait_exit(30s) == 0, feedd.log());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
