// Which A-IM fields ask for an RFC 3229 feed delta (asks_for_feed_delta): the `feed`
// instance-manipulation, in any case, among others, unless its q-value makes it unacceptable.
#include <boost/test/unit_test.hpp>

#include "daemon/http/delta_feeds.h"

namespace feedd::daemon {

BOOST_AUTO_TEST_SUITE(delta_request_test)

BOOST_AUTO_TEST_CASE(a_im_asks_for_a_feed_delta_unless_q_is_zero) {
  for (const char* asks : {"feed", "FEED", " feed ", "gzip, feed", "feed;q=1", "feed; q=0.5",
                           "feed;x=y;q=0.001", "feed;Q=1.0", "vcdiff;q=0, feed"}) {
    BOOST_TEST(asks_for_feed_delta(asks), asks);
  }
  for (const char* refuses : {"", "gzip", "feeds", "feed;q=0", "feed; q=0.000", "feed;q=2",
                              "feed;q=", "vcdiff, feed;q=0"}) {
    BOOST_TEST(!asks_for_feed_delta(refuses), refuses);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
