// Polite polling's parts without sockets: archive page paths, client addresses (trusted
// proxies and X-Forwarded-For), and the limiter's rule (per client and path, the wait in
// whole seconds, refusals not remembered, bounded memory forgetting the least recently seen).
#include "daemon/http/poll_limiter.h"

#include <boost/test/unit_test.hpp>

#include "daemon/http/client_address.h"
#include "feeds/archive_path.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(poll_limiter_test)

namespace {

using namespace std::chrono_literals;
using Clock = PollLimiter::Clock;

ClientAddress address(const char* text) {
  auto parsed = parse_client_address(text);
  BOOST_REQUIRE_MESSAGE(parsed, text);
  return *parsed;
}

BOOST_AUTO_TEST_CASE(archive_paths) {
  BOOST_TEST(feeds::parse_archive_path("/archive/1.xml")->page == 1u);
  BOOST_TEST(feeds::parse_archive_path("/archive/1.xml")->lang == "");
  BOOST_TEST(feeds::parse_archive_path("/ja/archive/12.xml")->lang == "ja");
  BOOST_TEST(feeds::parse_archive_path("/ja/archive/12.xml")->page == 12u);
  for (const char* path :
       {"/archive/0.xml", "/archive/01.xml", "/archive/.xml", "/archive/1.json", "/archive/1",
        "/ja/archive/x.xml", "//archive/1.xml", "/a/b/archive/1.xml", "/ja/archives/1.xml",
        "archive/1.xml", "/archive/1234567890.xml"}) {
    BOOST_TEST(!feeds::parse_archive_path(path), path);
  }
}

BOOST_AUTO_TEST_CASE(addresses_and_trusted_proxies) {
  BOOST_TEST(!parse_client_address("1.2.3"));
  BOOST_TEST(!parse_client_address("[::1]"));
  BOOST_TEST((address("10.1.2.3") != address("10.1.2.4")));
  BOOST_TEST(!TrustedProxies::parse({"10.0.0.0/33"}));
  BOOST_TEST(TrustedProxies::parse({"nonsense"}).error() == "nonsense");
  auto proxies = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8"});
  BOOST_REQUIRE(proxies);
  BOOST_TEST(proxies->trusts(address("10.200.0.1")));
  BOOST_TEST(proxies->trusts(address("fd12::1")));
  BOOST_TEST(!proxies->trusts(address("11.0.0.1")));
  BOOST_TEST(!proxies->trusts(address("127.0.0.2")));
  const auto proxy = address("127.0.0.1");
  const auto stranger = address("192.0.2.9");
  // Not from a trusted peer: the header is not believed.
  BOOST_TEST((proxies->client_of(stranger, "198.51.100.1") == stranger));
  // From one: the right-most entry that is not a trusted proxy.
  BOOST_TEST((proxies->client_of(proxy, "198.51.100.1") == address("198.51.100.1")));
  BOOST_TEST((proxies->client_of(proxy, "203.0.113.5, 198.51.100.1, 10.0.0.2") ==
              address("198.51.100.1")));
  BOOST_TEST((proxies->client_of(proxy, "10.0.0.3, 10.0.0.2") == address("10.0.0.3")));
  BOOST_TEST((proxies->client_of(proxy, std::nullopt) == proxy));
  const auto odd = proxies->client_of(proxy, "unknown");
  BOOST_TEST((odd != proxy && odd == proxies->client_of(proxy, " unknown")));
  BOOST_TEST((TrustedProxies{}.client_of(proxy, "198.51.100.1") == proxy));
}

BOOST_AUTO_TEST_CASE(refetches_sooner_than_the_interval_wait) {
  PollLimiter limiter(60s, 100);
  const auto a = address("192.0.2.1");
  const auto b = address("192.0.2.2");
  const auto t0 = Clock::time_point(1000h);
  BOOST_TEST(limiter.check(a, "/ja/atom.xml", t0) == 0u);
  BOOST_TEST(limiter.check(a, "/ja/atom.xml", t0 + 10s) == 50u);
  BOOST_TEST(limiter.check(a, "/ja/atom.xml", t0 + 59s + 1ms) == 1u);
  BOOST_TEST(limiter.check(a, "/en/atom.xml", t0 + 1s) == 0u, "another path");
  BOOST_TEST(limiter.check(b, "/ja/atom.xml", t0 + 1s) == 0u, "another client");
  // Refusals are not remembered: the wait counts from the fetch that was served.
  BOOST_TEST(limiter.check(a, "/ja/atom.xml", t0 + 60s) == 0u);
  BOOST_TEST(limiter.check(a, "/ja/atom.xml", t0 + 61s) == 59u);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded_and_the_least_recently_seen_go_first) {
  PollLimiter limiter(60s, 16);  // one client per shard
  const auto t0 = Clock::time_point(1000h);
  // 1,000 clients: each remembered until 16 others came after it... at the latest.
  for (int i = 0; i < 1000; ++i) {
    const std::string text = "2001:db8::" + std::to_string(i);
    BOOST_TEST(limiter.check(address(text.c_str()), "/atom.xml", t0) == 0u);
  }
  // The first client is forgotten (its shard held others since): allowed again.
  BOOST_TEST(limiter.check(address("2001:db8::0"), "/atom.xml", t0 + 1s) == 0u);
  // The last one is remembered.
  BOOST_TEST(limiter.check(address("2001:db8::999"), "/atom.xml", t0 + 1s) == 59u);
  // A client polling more paths than it has slots keeps the most recent ones.
  PollLimiter roomy(60s, 10);
  const auto c = address("192.0.2.3");
  for (int i = 0; i < 6; ++i) {
    BOOST_TEST(roomy.check(c, "/p" + std::to_string(i), t0 + std::chrono::seconds(i)) == 0u);
  }
  BOOST_TEST(roomy.check(c, "/p5", t0 + 10s) > 0u);
  BOOST_TEST(roomy.check(c, "/p0", t0 + 10s) == 0u, "forgotten: the oldest of six paths");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
