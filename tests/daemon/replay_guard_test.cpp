// ReplayGuard with a fixed clock: repeats refused, expiry per id, the capacity bound, and
// concurrent callers agreeing on exactly one winner per id.
#include "daemon/hooks/replay_guard.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(replay_guard)

namespace {

using namespace std::chrono_literals;
// Appends rather than `"x" + std::to_string(i)`, which g++ 12 -O2 warns about (-Wrestrict,
// a known false positive).
std::string id_of(std::string_view prefix, int i) {
  std::string id(prefix);
  id += std::to_string(i);
  return id;
}

const ReplayGuard::Clock::time_point kT0 = ReplayGuard::Clock::time_point(1'700'000'000s);

BOOST_AUTO_TEST_CASE(a_repeated_id_is_refused_until_it_expires) {
  ReplayGuard guard;
  BOOST_TEST(guard.remember("a", 600s, kT0));
  BOOST_TEST(!guard.remember("a", 600s, kT0 + 1s));
  BOOST_TEST(!guard.remember("a", 600s, kT0 + 599s));
  BOOST_TEST(guard.contains("a", kT0 + 599s));
  // A refused repeat does not extend the record.
  BOOST_TEST(guard.remember("a", 600s, kT0 + 600s));
  BOOST_TEST(!guard.remember("a", 600s, kT0 + 601s));
}

BOOST_AUTO_TEST_CASE(ids_are_independent_and_each_has_its_own_ttl) {
  ReplayGuard guard;
  BOOST_TEST(guard.remember("short", 10s, kT0));
  BOOST_TEST(guard.remember("long", 24h, kT0));
  BOOST_TEST(guard.remember("other", 10s, kT0));
  BOOST_TEST(guard.size() == 3u);
  BOOST_TEST(!guard.contains("short", kT0 + 10s));
  BOOST_TEST(guard.contains("long", kT0 + 23h));
  BOOST_TEST(guard.remember("new", 10s, kT0 + 11s));  // forgets the expired ones
  BOOST_TEST(guard.size() == 2u);
  BOOST_TEST(!guard.remember("long", 24h, kT0 + 11s));
}

BOOST_AUTO_TEST_CASE(capacity_forgets_the_soonest_to_expire_first) {
  ReplayGuard guard(3);
  BOOST_TEST(guard.remember("a", 100s, kT0));
  BOOST_TEST(guard.remember("b", 50s, kT0));
  BOOST_TEST(guard.remember("c", 200s, kT0));
  BOOST_TEST(guard.remember("d", 300s, kT0));  // evicts "b"
  BOOST_TEST(guard.size() == 3u);
  BOOST_TEST(!guard.contains("b", kT0));
  BOOST_TEST(guard.contains("a", kT0));
  BOOST_TEST(!guard.remember("c", 200s, kT0));
  for (int i = 0; i < 1000; ++i) {
    guard.remember(id_of("x", i), 1000s, kT0);
  }
  BOOST_TEST(guard.size() == 3u);
}

BOOST_AUTO_TEST_CASE(default_capacity_holds_ten_thousand_ids) {
  ReplayGuard guard;
  for (int i = 0; i < 12'000; ++i) {
    guard.remember(std::to_string(i), 24h, kT0 + std::chrono::seconds(i));
  }
  BOOST_TEST(guard.size() == ReplayGuard::kDefaultCapacity);
  BOOST_TEST(!guard.contains("0", kT0 + 12'000s));
  BOOST_TEST(guard.contains("11999", kT0 + 12'000s));
}

BOOST_AUTO_TEST_CASE(concurrent_callers_get_one_winner_per_id) {
  ReplayGuard guard;
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (guard.remember(id_of("id-", i), 60s, kT0)) {
          ++winners;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  BOOST_TEST(winners.load() == 500);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
