// WebSubCounters::render writes the series /metrics has always shown for WebSub, byte for
// byte (TYPE lines, result labels, unlabelled gauges), and the ones added since.
#include "daemon/websub/websub_counters.h"

#include <boost/test/unit_test.hpp>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(websub_counters)

BOOST_AUTO_TEST_CASE(renders_every_series) {
  WebSubCounters counters;
  counters.publish_ok = 1;
  counters.publish_failed = 2;
  counters.delivered = 3;
  counters.gone = 4;
  counters.refused = 5;
  counters.expired = 6;
  counters.waited = 9;
  counters.deferred = 10;
  counters.subscriptions = 7;
  counters.outbox = 8;
  std::string out;
  counters.render(out);
  BOOST_TEST(out ==
             "# TYPE feedd_websub_publish_total counter\n"
             "feedd_websub_publish_total{result=\"ok\"} 1\n"
             "feedd_websub_publish_total{result=\"failed\"} 2\n"
             "feedd_websub_publish_total{result=\"dropped\"} 0\n"
             "# TYPE feedd_websub_deliveries_total counter\n"
             "feedd_websub_deliveries_total{result=\"ok\"} 3\n"
             "feedd_websub_deliveries_total{result=\"failed\"} 0\n"
             "feedd_websub_deliveries_total{result=\"dropped\"} 0\n"
             "feedd_websub_deliveries_total{result=\"gone\"} 4\n"
             "# TYPE feedd_websub_intents_total counter\n"
             "feedd_websub_intents_total{result=\"verified\"} 0\n"
             "feedd_websub_intents_total{result=\"failed\"} 0\n"
             "feedd_websub_intents_total{result=\"denied\"} 0\n"
             "feedd_websub_intents_total{result=\"refused\"} 5\n"
             "# TYPE feedd_websub_expired_total counter\n"
             "feedd_websub_expired_total 6\n"
             "# TYPE feedd_websub_waited_total counter\n"
             "feedd_websub_waited_total 9\n"
             "# TYPE feedd_websub_deferred_total counter\n"
             "feedd_websub_deferred_total 10\n"
             "# TYPE feedd_websub_subscriptions gauge\n"
             "feedd_websub_subscriptions 7\n"
             "# TYPE feedd_websub_outbox gauge\n"
             "feedd_websub_outbox 8\n");
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::daemon
