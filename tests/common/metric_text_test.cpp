// The Prometheus exposition lines every /metrics section is written with: HELP and TYPE,
// samples with and without labels.
#include "common/metric_text.h"

#include <boost/test/unit_test.hpp>

namespace feedd::common {
BOOST_AUTO_TEST_SUITE(metric_text)

BOOST_AUTO_TEST_CASE(lines_as_the_exposition_format_writes_them) {
  std::string out;
  append_metric_header(out, "feedd_x_total", "counter", "Things done.");
  append_metric_sample(out, "feedd_x_total",
                       metric_label("result", "ok") + "," + metric_label("kind", "a"), 3);
  append_metric_type(out, "feedd_y", "gauge");
  append_metric_sample(out, "feedd_y", "", "0.5");
  BOOST_TEST(out ==
             "# HELP feedd_x_total Things done.\n"
             "# TYPE feedd_x_total counter\n"
             "feedd_x_total{result=\"ok\",kind=\"a\"} 3\n"
             "# TYPE feedd_y gauge\n"
             "feedd_y 0.5\n");
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::common
