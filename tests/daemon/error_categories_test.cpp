// The daemon's error categories keep their names and messages (what logs and /metrics
// show): the request parser's and the outgoing client's, including an unnamed value.
#include <boost/test/unit_test.hpp>
#include <string>

#include "daemon/http/request_error.h"
#include "daemon/outbound/outbound_error.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(error_categories)

BOOST_AUTO_TEST_CASE(request_errors) {
  const boost::system::error_code ec = RequestError::body_too_large;
  BOOST_TEST(std::string(ec.category().name()) == "feedd.http.request");
  BOOST_TEST(ec.message() == "request body too large");
  BOOST_TEST(make_error_code(RequestError::bad_line_ending).message() ==
             "bare CR or LF (lines must end with CRLF)");
  BOOST_TEST(request_error_category().message(999) == "unknown request error 999");
  BOOST_TEST(status_of(ec) == 413);
}

BOOST_AUTO_TEST_CASE(outbound_errors) {
  const boost::system::error_code ec = OutboundError::forbidden_address;
  BOOST_TEST(std::string(ec.category().name()) == "feedd.outbound");
  BOOST_TEST(ec.message() ==
             "host resolves only to loopback, private, link-local, multicast or unspecified "
             "addresses");
  BOOST_TEST(outbound_error_category().message(0) == "unknown outbound error 0");
  BOOST_TEST(status_of(ec) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::daemon
