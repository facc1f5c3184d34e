// The Boost.Test entry point; BOOST_TEST_MODULE is set per suite by tests/CMakeLists.txt.
#include <boost/test/unit_test.hpp>
