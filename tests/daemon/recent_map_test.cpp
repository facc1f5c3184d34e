// RecentMap (daemon/pipeline/recent_map.h), the bounded memory of what a build's last files
// made: it forgets the oldest added first, a replaced value keeps its place, and a value
// beyond the capacity is forgotten at once.
#include "daemon/pipeline/recent_map.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(recent_map_test)

BOOST_AUTO_TEST_CASE(forgets_the_oldest_added_first) {
  RecentMap<int> recent(2);
  recent.put("a", 1);
  recent.put("b", 2);
  recent.put("a", 10);  // replaced: still the oldest
  BOOST_TEST(*recent.find("a") == 10);
  recent.put("c", 3);
  BOOST_TEST(recent.find("a") == nullptr);
  BOOST_TEST(*recent.find("b") == 2);
  BOOST_TEST(*recent.find("c") == 3);
  BOOST_TEST(recent.size() == 2u);
  recent.clear();
  BOOST_TEST(recent.find("b") == nullptr);
  recent.put("d", 4);
  recent.put("e", 5);
  BOOST_TEST(*recent.find("d") == 4);  // the order was cleared too: "b" is not forgotten again
  BOOST_TEST(recent.size() == 2u);
}

BOOST_AUTO_TEST_CASE(nothing_is_kept_beyond_the_capacity) {
  RecentMap<std::string> none(0);
  none.put("a", "x");
  BOOST_TEST(none.find("a") == nullptr);
  BOOST_TEST(none.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::daemon
