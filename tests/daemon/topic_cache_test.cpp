// The topic feed cache: a hit only for the digest the bytes were rendered for, a new digest
// replaces the old bytes, and the byte bound evicts the least recently used feeds.
#include "daemon/http/topic_cache.h"

#include <boost/test/unit_test.hpp>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(topic_cache_test)

namespace {

std::shared_ptr<const feeds::Resource> resource(std::size_t bytes) {
  feeds::ResourceSource source{"/t", "text/plain", std::string(bytes, 'x'), {}, false};
  return feeds::make_resource(std::move(source), std::chrono::sys_seconds{});
}

BOOST_AUTO_TEST_CASE(hits_only_for_the_rendered_digest) {
  TopicCache cache(1 << 20);
  auto r = resource(100);
  cache.insert("/ja/tags/a/atom.xml", "d1", r);
  BOOST_TEST(cache.find("/ja/tags/a/atom.xml", "d1") == r);
  BOOST_TEST(cache.find("/ja/tags/a/atom.xml", "d2") == nullptr);
  BOOST_TEST(cache.find("/ja/tags/b/atom.xml", "d1") == nullptr);
  auto newer = resource(50);
  cache.insert("/ja/tags/a/atom.xml", "d2", newer);
  BOOST_TEST(cache.find("/ja/tags/a/atom.xml", "d2") == newer);
  BOOST_TEST(cache.find("/ja/tags/a/atom.xml", "d1") == nullptr);
  BOOST_TEST(cache.entries() == 1u);
  BOOST_TEST(cache.bytes() == 50u);
}

BOOST_AUTO_TEST_CASE(bound_evicts_the_least_recently_used) {
  TopicCache cache(250);
  cache.insert("/a", "d", resource(100));
  cache.insert("/b", "d", resource(100));
  BOOST_TEST(cache.find("/a", "d") != nullptr);  // /a is now the most recently used
  cache.insert("/c", "d", resource(100));        // over 250: /b goes
  BOOST_TEST(cache.find("/b", "d") == nullptr);
  BOOST_TEST(cache.find("/a", "d") != nullptr);
  BOOST_TEST(cache.find("/c", "d") != nullptr);
  BOOST_TEST(cache.bytes() == 200u);
  cache.insert("/huge", "d", resource(1000));  // alone over the bound: kept, the rest go
  BOOST_TEST(cache.entries() == 1u);
  BOOST_TEST(cache.find("/huge", "d") != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
