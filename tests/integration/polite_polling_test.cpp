// Polite polling (SPEC "Polite polling") against a real `feedd serve` over loopback HTTP, with
// server.min_poll_s = 60 (no test waits for it) and 127.0.0.2 as the trusted proxy: an
// unconditional refetch gets 429 with Retry-After and Cache-Control: no-store, conditional
// requests never do, other paths, pages, /healthz and /metrics are not limited,
// X-Forwarded-For is believed only from the trusted proxy (right-most untrusted entry), and
// /metrics counts the refusals.
#include <boost/test/unit_test.hpp>
#include <regex>

#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(polite_polling_test)

namespace {

struct PoliteFixture {
  TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::unique_ptr<FeeddProcess> feedd;
  int port = 0;

  PoliteFixture() {
    write_file(store / "a.md", "---\ntitle: A post\ndate: 2025-01-01\nlang: en\n---\nText.\n");
    auto config =
        write_config(dir.path(), store, dir / "index.sqlite",
                     "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\nmin_poll_s = 60\n"
                     "trusted_proxies = [\"127.0.0.2\", \"10.0.0.0/8\"]\npoll_clients = 1000\n");
    feedd = std::make_unique<FeeddProcess>(config, dir / "serve.log");
    port = feedd->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  }

  // The status line and fields of GET `path` from `source` (a local address curl binds).
  std::string head(const std::string& path, const std::vector<std::string>& headers = {},
                   const std::string& source = "127.0.0.1") {
    std::vector<std::string> argv{"curl", "-s",        "-D",          "-",
                                  "-o",   "/dev/null", "--interface", source};
    for (const auto& header : headers) {
      argv.push_back("-H");
      argv.push_back(header);
    }
    argv.push_back("http://127.0.0.1:" + std::to_string(port) + path);
    return run_command(argv).output;
  }
  int status(const std::string& path, const std::vector<std::string>& headers = {},
             const std::string& source = "127.0.0.1") {
    const std::string text = head(path, headers, source);
    return text.size() > 12 ? std::stoi(text.substr(9, 3)) : 0;
  }
};

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(unconditional_refetches_wait_conditional_ones_never, PoliteFixture) {
  const auto first = fetch(port, "/en/atom.xml");
  BOOST_TEST_REQUIRE(first.status == 200);
  const std::string refused = head("/en/atom.xml");
  BOOST_TEST(contains(refused, "HTTP/1.1 429 Too Many Requests"), refused);
  std::smatch retry;
  BOOST_TEST_REQUIRE(std::regex_search(refused, retry, std::regex("Retry-After: ([0-9]+)\r\n")),
                     refused);
  BOOST_TEST(std::stoi(retry[1]) >= 1);
  BOOST_TEST(std::stoi(retry[1]) <= 60);
  BOOST_TEST(contains(refused, "Cache-Control: no-store"), refused);
  BOOST_TEST(fetch(port, "/en/atom.xml").body.find("too many requests") == 0u);
  // Conditional requests are never refused, whatever they get.
  BOOST_TEST(status("/en/atom.xml", {"If-None-Match: " + first.etag}) == 304);
  BOOST_TEST(status("/en/atom.xml", {"If-None-Match: \"old\""}) == 200);
  BOOST_TEST(status("/en/atom.xml", {"If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT"}) == 200);
  // Another feed is another path; HEAD, pages, /healthz and /metrics are not limited.
  BOOST_TEST(status("/en/rss.xml") == 200);
  BOOST_TEST(status("/en/rss.xml") == 429);
  BOOST_TEST(run_command({"curl", "-s", "-I", "-o", "/dev/null", "-w", "%{http_code}",
                          "http://127.0.0.1:" + std::to_string(port) + "/en/atom.xml"})
                 .output == "200");
  for (const char* free_path : {"/en/", "/healthz", "/metrics", "/"}) {
    BOOST_TEST(status(free_path) == 200, free_path);
    BOOST_TEST(status(free_path) == 200, free_path);
  }
  // From an untrusted peer, X-Forwarded-For is not believed: still the same client.
  BOOST_TEST(status("/en/atom.xml", {"X-Forwarded-For: 198.51.100.7"}) == 429);
  // Another client (127.0.0.3) has its own budget.
  BOOST_TEST(status("/en/atom.xml", {}, "127.0.0.3") == 200);

  // Through the trusted proxy: the right-most untrusted X-Forwarded-For entry is the client.
  const std::string proxy = "127.0.0.2";
  BOOST_TEST(status("/en/atom.xml", {"X-Forwarded-For: 198.51.100.1"}, proxy) == 200);
  BOOST_TEST(status("/en/atom.xml", {"X-Forwarded-For: 198.51.100.1"}, proxy) == 429);
  BOOST_TEST(status("/en/atom.xml", {"X-Forwarded-For: 198.51.100.1, 10.1.2.3"}, proxy) == 429);
  BOOST_TEST(status("/en/atom.xml", {"X-Forwarded-For: 198.51.100.1, 198.51.100.2"}, proxy) == 200);
  BOOST_TEST(status("/en/atom.xml", {"X-Forwarded-For: 203.0.113.9"}, proxy) == 200);
  // The proxy itself, with no header, is one client too.
  BOOST_TEST(status("/en/atom.xml", {}, proxy) == 200);
  BOOST_TEST(status("/en/atom.xml", {}, proxy) == 429);

  // 429s so far: 2 + 1 (rss) + 1 (ignored header) + 2 (proxied) + 1 (the proxy) = 7.
  const auto metrics = fetch(port, "/metrics").body;
  BOOST_TEST(contains(metrics, "\nfeedd_poll_refused_total 7\n"), metrics);
  BOOST_TEST(contains(metrics, "feedd_http_requests_total{route=\"feed\",status=\"429\"} 7"),
             metrics);
}

BOOST_AUTO_TEST_CASE(a_bad_trusted_proxy_is_a_configuration_error) {
  TempDir dir;
  auto config = write_config(dir.path(), dir / "posts", dir / "index.sqlite",
                             "[server]\nlisten = [\"127.0.0.1:0\"]\nmin_poll_s = 5\n"
                             "trusted_proxies = [\"10.0.0.0/40\"]\n");
  const auto checked = run_command({feedd_binary().string(), "serve", "--config", config.string()});
  BOOST_TEST(checked.exit_status != 0);
  BOOST_TEST(contains(checked.output, "server.trusted_proxies"), checked.output);
  BOOST_TEST(contains(checked.output, "10.0.0.0/40"), checked.output);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
