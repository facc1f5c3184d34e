// RequestPace (a token bucket for the outbound client's background requests), on a fixed clock.
#include "daemon/outbound/request_pace.h"

#include <boost/test/unit_test.hpp>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(request_pace_test)

namespace {

using Clock = RequestPace::Clock;
using std::chrono::milliseconds;
const Clock::time_point t0{std::chrono::hours(1)};

}  // namespace

BOOST_AUTO_TEST_CASE(a_burst_then_the_rate) {
  RequestPace pace(100, 64, t0);  // 100 a second, bursts of 64
  BOOST_TEST(pace.available(t0) == 64u);
  pace.take(64);
  BOOST_TEST(pace.available(t0) == 0u);
  BOOST_TEST(pace.available(t0 + milliseconds(95)) == 9u);  // 9.5 earned
  pace.take(9);
  BOOST_TEST(pace.available(t0 + milliseconds(101)) == 1u);  // the half left plus 0.6 more
  // Idle for long: never more than the burst.
  BOOST_TEST(pace.available(t0 + std::chrono::seconds(60)) == 64u);
}

BOOST_AUTO_TEST_CASE(when_a_batch_may_start) {
  RequestPace pace(100, 64, t0);
  BOOST_TEST((pace.when_available(16, t0) == t0));  // available now
  pace.take(pace.available(t0));
  BOOST_TEST((pace.when_available(16, t0) == t0 + milliseconds(160)));
  BOOST_TEST((pace.when_available(1, t0) == t0 + milliseconds(10)));
  // A batch larger than the burst waits only for the burst.
  BOOST_TEST((pace.when_available(1000, t0) == t0 + milliseconds(640)));
  BOOST_TEST((pace.when_available(16, t0 + milliseconds(200)) == t0 + milliseconds(200)));
}

BOOST_AUTO_TEST_CASE(no_pace_lets_everything_start) {
  RequestPace pace(0, 64, t0);
  BOOST_TEST(pace.available(t0) >= 1'000'000u);  // not held to the burst either
  pace.take(1000);
  BOOST_TEST(pace.available(t0) >= 1'000'000u);
  BOOST_TEST((pace.when_available(64, t0) == t0));
  BOOST_TEST(pace.batch() == 1u);
}

BOOST_AUTO_TEST_CASE(a_batch_is_about_ten_milliseconds_of_starts) {
  BOOST_TEST(RequestPace(1500, 64, t0).batch() == 15u);
  BOOST_TEST(RequestPace(100'000, 64, t0).batch() == 16u);
  BOOST_TEST(RequestPace(1, 64, t0).batch() == 1u);  // a retry at 1/s waits 1 s, not 16
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
