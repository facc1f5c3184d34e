// put_padded() writes what printf's "%0*ld" writes, for every sign, width and length.
#include "common/padded_digits.h"

#include <boost/test/unit_test.hpp>
#include <climits>
#include <cstdio>
#include <random>
#include <string>

namespace feedd::common {
BOOST_AUTO_TEST_SUITE(padded_digits_test)

namespace {

std::string padded(long value, int width) {
  char buffer[kMaxPaddedDigits + 4];
  return std::string(buffer, put_padded(buffer, value, width));
}

std::string printed(long value, int width) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%0*ld", width, value);
  return buffer;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dates_as_they_are_written) {
  BOOST_TEST(padded(2025, 4) == "2025");
  BOOST_TEST(padded(7, 2) == "07");
  BOOST_TEST(padded(0, 2) == "00");
  BOOST_TEST(padded(12345, 4) == "12345");  // never cut
  BOOST_TEST(padded(-5, 4) == "-005");
}

BOOST_AUTO_TEST_CASE(the_same_bytes_as_printf) {
  std::mt19937_64 random(20261201);
  std::uniform_int_distribution<int> widths(1, 12);
  for (long value : {0L, 1L, -1L, 9L, 10L, -10L, 99L, 100L, LONG_MAX, LONG_MIN, LONG_MIN + 1}) {
    for (int width = 1; width <= kMaxPaddedDigits; ++width) {
      BOOST_TEST(padded(value, width) == printed(value, width), value << " width " << width);
    }
  }
  for (int i = 0; i < 100000; ++i) {
    // Every magnitude: a random value shifted right by a random amount.
    const long value = static_cast<long>(random()) >> (random() % 64);
    const int width = widths(random);
    BOOST_TEST_REQUIRE(padded(value, width) == printed(value, width), value << " width " << width);
  }
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::common
