// IndexHealth: a change of state is reported once (so it is logged once), every failure is
// counted, and the detail text is what /healthz shows.
#include "daemon/pipeline/index_health.h"

#include <boost/test/unit_test.hpp>

namespace feedd::daemon {

BOOST_AUTO_TEST_SUITE(index_health_test)

BOOST_AUTO_TEST_CASE(state_changes_are_reported_once_and_failures_counted) {
  IndexHealth health;
  BOOST_TEST(health.writable());
  BOOST_TEST(health.detail() == "ok");
  BOOST_TEST(!health.set_writable());  // no change

  BOOST_TEST(health.set_not_writable("database or disk is full"));
  BOOST_TEST(!health.set_not_writable("database or disk is full"));  // a retry: no news
  BOOST_TEST(!health.writable());
  BOOST_TEST(health.detail() == "degraded: index not writable: database or disk is full");
  BOOST_TEST(health.set_not_writable("disk I/O error"));  // another reason is news
  BOOST_TEST(health.write_errors() == 3u);

  BOOST_TEST(health.set_writable());
  BOOST_TEST(!health.set_writable());
  BOOST_TEST(health.writable());
  BOOST_TEST(health.write_errors() == 3u);
  health.count_recovery();
  BOOST_TEST(health.recoveries() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
