// The real daemon under load, for ThreadSanitizer (CI runs this suite against a TSan-built
// feedd) as much as for its results: serving clients on kept-alive connections while the
// store changes, SIGHUP reloads (good and bad configurations) and a webhook's worker runs.
// Client threads only record; every assertion is made on the main thread.
#include <signal.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <regex>
#include <thread>

#include "common/encoding.h"
#include "common/hmac.h"
#include "tests/support/feedd_process.h"
#include "tests/support/load_client.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(concurrency_test)

namespace {

using namespace std::chrono_literals;

std::string post(const std::string& title, const std::string& lang, const std::string& date) {
  return "---\ntitle: " + title + "\ndate: " + date + "\nlang: " + lang + "\n---\nText of " +
         title + ".\n";
}

// The value of feedd_snapshot_generation in a /metrics body (0 when absent).
std::uint64_t served_generation(const std::string& metrics) {
  static const std::regex kGeneration("\nfeedd_snapshot_generation ([0-9]+)\n");
  std::smatch match;
  return std::regex_search(metrics, match, kGeneration) ? std::stoull(match[1]) : 0;
}

}  // namespace

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
      {get_request("/en/feed.json"), get_request("/metrics")},
      {get_request("/ja/atom.xml", "Accept-Encoding: gzip\r\n"), get_request("/")},
      {get_request("/metrics"), get_request("/atom.xml", "Accept-Encoding: br\r\n")},
      {get_request("/en/rss.xml"), get_request("/healthz")}};
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
                              return count_occurrences(feedd.log(),
                                                       "SIGHUP: configuration reloaded") ==
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
