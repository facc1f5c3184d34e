// feedd behind a real Varnish (Debian's varnishd, started here on loopback with
// etc/varnish/feedd.vcl, the backend ports substituted): ETags through the cache are feedd's;
// a second request is a hit; If-None-Match through Varnish gets 304; PURGE only from the ACL;
// with [cache] purge, an edit is served through Varnish within 1 s although max_age_s is 300,
// under any query too; a delta is the replica's own; a killed replica leaves Varnish serving;
// after the TTL Varnish revalidates with a conditional request that feedd answers 304 (its
// /metrics count it).
#include <boost/test/unit_test.hpp>
#include <regex>

#include "tests/integration/scaleout_support.h"
#include "tests/support/feedd_process.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(varnish_test)

namespace {

using namespace std::chrono_literals;

std::string post(std::string_view title, std::string_view updated = "") {
  return "---\ntitle: " + std::string(title) +
         "\ndate: 2025-01-02T10:00:00+09:00\nlang: en\ntags: [Tea]\n" +
         (updated.empty() ? "" : "updated: " + std::string(updated) + "\n") +
         "---\nSome text about tea, long enough to be worth compressing: " + std::string(200, 't') +
         "\n";
}

std::uint64_t metric(HttpClient& feedd, const std::string& name) {
  const auto text = feedd.get("/metrics").body;
  std::smatch match;
  if (!std::regex_search(text, match, std::regex("\n" + name + " ([0-9]+)\n"))) {
    return 0;
  }
  return std::stoull(match[1].str());
}

std::string config_extra(int varnish_port, int max_age_s, int port = 0) {
  return "[server]\nlisten = [\"127.0.0.1:" + std::to_string(port) +
         "\"]\nmax_age_s = " + std::to_string(max_age_s) +
         "\n[cache]\npurge = [\"http://127.0.0.1:" + std::to_string(varnish_port) + "/\"]\n";
}

// The VCL of etc/varnish with the replicas' ports in place of 8081 and 8082.
std::filesystem::path write_vcl(const std::filesystem::path& dir, int one, int two) {
  auto vcl = read_file(source_dir() / "etc/varnish/feedd.vcl");
  vcl = std::regex_replace(vcl, std::regex("\"8081\""), "\"" + std::to_string(one) + "\"");
  vcl = std::regex_replace(vcl, std::regex("\"8082\""), "\"" + std::to_string(two) + "\"");
  write_file(dir / "feedd.vcl", vcl);
  return dir / "feedd.vcl";
}

BOOST_AUTO_TEST_CASE(two_replicas_behind_varnish) {
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists("/usr/sbin/varnishd"),
                        "varnishd is missing: apt-get install varnish (.ci/packages)");
  TempDir dir;
  const auto store = dir / "posts";
  write_file(store / "tea.md", post("Tea", "2025-01-03T00:00:00Z"));
  const int varnish_port = free_port();
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  FeeddProcess a(
      write_config(dir / "a", store, dir / "a/index.sqlite", config_extra(varnish_port, 300)),
      dir / "a.log");
  FeeddProcess b(
      write_config(dir / "b", store, dir / "b/index.sqlite", config_extra(varnish_port, 300)),
      dir / "b.log");
  const int port_a = a.wait_for_port();
  const int port_b = b.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port_a > 0 && port_b > 0, a.log() + b.log());
  std::filesystem::create_directories(dir / "varnish");
  ChildProcess varnish({"varnishd", "-F", "-j", "none", "-n", (dir / "varnish").string(), "-a",
                        "127.0.0.1:" + std::to_string(varnish_port), "-f",
                        write_vcl(dir.path(), port_a, port_b).string(), "-p",
                        "http_gzip_support=off", "-s", "malloc,32m", "-T", "none"},
                       dir / "varnish.log");
  HttpClient cache(varnish_port);
  HttpClient direct(port_a);
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        try {
                          return cache.get("/healthz").status == 200;
                        } catch (const std::exception&) {
                          return false;
                        }
                      }),
                      read_file(dir / "varnish.log"));

  // feedd's ETags and bytes through the cache, each coding its own variant; then hits.
  for (const std::string path : {"/en/atom.xml", "/rss.xml", "/feed.json", "/", "/en/"}) {
    for (const std::string coding : {"identity", "gzip", "br"}) {
      const std::vector<std::pair<std::string, std::string>> fields = {{"Accept-Encoding", coding}};
      auto mine = direct.get(path, fields);
      auto first = cache.get(path, fields);
      auto second = cache.get(path, fields);
      BOOST_TEST(first.status == 200, path);
      BOOST_TEST(first.header("etag") == mine.header("etag"), path << " " << coding);
      BOOST_TEST((first.body == mine.body), path << " " << coding);
      BOOST_TEST(second.header("x-cache") == "HIT", path << " " << coding);
      BOOST_TEST(second.header("etag") == mine.header("etag"), path << " " << coding);
      auto conditional =
          cache.get(path, {{"Accept-Encoding", coding}, {"If-None-Match", mine.header("etag")}});
      BOOST_TEST(conditional.status == 304, path << " " << coding);
    }
  }

  // PURGE: refused from outside the ACL (127.0.0.2 is loopback but not listed), allowed from it.
  const std::vector<std::pair<std::string, std::string>> identity = {
      {"Accept-Encoding", "identity"}};  // the variant the loop above cached
  HttpClient stranger(varnish_port, "127.0.0.2");
  BOOST_TEST(stranger.request("PURGE", "/en/atom.xml").status == 405);
  BOOST_TEST(cache.get("/en/atom.xml", identity).header("x-cache") == "HIT");
  BOOST_TEST(cache.request("PURGE", "/en/atom.xml").status == 200);
  BOOST_TEST(cache.get("/en/atom.xml", identity).header("x-cache") == "MISS");

  // An edit: both replicas purge what changed. That it shows at all proves the purge:
  // max-age=300 alone would hide it for 5 minutes, far beyond the wait. (How soon it shows is
  // a speed figure for bench/, not a test assertion: sanitizer builds are many times slower.)
  const auto before_edit = cache.get("/en/atom.xml", identity);
  BOOST_TEST(before_edit.header("x-cache") == "HIT");
  // A query feedd ignores names the same object, so the purge reaches it too.
  BOOST_TEST(cache.get("/en/atom.xml?utm_source=reader", identity).header("x-cache") == "HIT");
  write_file(store / "tea.md", post("Tea, edited", "2025-01-04T00:00:00Z"));
  BOOST_REQUIRE(eventually([&] {
    return cache.get("/en/atom.xml", identity).body.find("Tea, edited") != std::string::npos;
  }));
  BOOST_TEST(cache.get("/en/atom.xml?utm_source=reader", identity).body.find("Tea, edited") !=
             std::string::npos);
  BOOST_TEST(eventually(
      [&] { return metric(direct, "feedd_cache_purges_total\\{result=\"ok\"\\}") > 0u; }));

  // A delta (A-IM: feed) against the version the reader holds (before the edit) is the
  // replica's, whatever the cache holds (the edited feed, or nothing after a purge): Varnish
  // passes it with the reader's own If-None-Match, never answers it from its copy (a 200) nor
  // revalidates with that copy's ETag (a delta against the wrong version).
  const std::vector<std::pair<std::string, std::string>> delta = {
      {"Accept-Encoding", "identity"},
      {"A-IM", "feed"},
      {"If-None-Match", before_edit.header("etag")}};
  const auto through = cache.get("/en/atom.xml", delta);
  const auto own = direct.get("/en/atom.xml", delta);
  BOOST_TEST(own.status == 226);
  BOOST_TEST(through.status == 226, through.status << " " << through.header("x-cache"));
  BOOST_TEST(through.header("etag") == own.header("etag"));
  BOOST_TEST((through.body == own.body));

  // A killed replica: every request (misses included) is still answered.
  b.signal(SIGKILL);
  for (int i = 0; i < 6; ++i) {
    BOOST_TEST(cache.request("PURGE", "/en/rss.xml").status == 200);
    auto answer = cache.get("/en/rss.xml");
    BOOST_TEST(answer.status == 200, i << " " << answer.header("x-cache"));
    BOOST_TEST(answer.header("x-cache") == "MISS", i);
  }

  // Revalidation after the TTL: a replica with max_age_s = 1 on the dead one's port, alone.
  std::filesystem::create_directories(dir / "c");
  FeeddProcess c(
      write_config(dir / "c", store, dir / "c/index.sqlite", config_extra(varnish_port, 1, port_b)),
      dir / "c.log");
  BOOST_REQUIRE_MESSAGE(c.wait_for_port() == port_b, c.log());
  HttpClient replica(port_b);
  // Varnish's probe found it healthy (two good probes) before the other one goes.
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        return metric(replica,
                                      "feedd_http_requests_total\\{route=\"healthz\","
                                      "status=\"200\"\\}") >= 2;
                      }),
                      c.log());
  a.signal(SIGKILL);
  BOOST_TEST(cache.request("PURGE", "/en/feed.json").status == 200);  // from the new replica
  const auto fresh = cache.get("/en/feed.json");
  BOOST_REQUIRE_EQUAL(fresh.status, 200);
  BOOST_TEST(fresh.header("cache-control") == "public, max-age=1");
  const auto before = metric(replica, "feedd_http_not_modified_total");
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        cache.get("/en/feed.json");
                        return metric(replica, "feedd_http_not_modified_total") > before;
                      }),
                      c.log());
  auto refreshed = cache.get("/en/feed.json");
  BOOST_TEST(refreshed.status == 200);
  BOOST_TEST(refreshed.header("etag") == fresh.header("etag"));
  BOOST_TEST((refreshed.body == fresh.body));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::testing
