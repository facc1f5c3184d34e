#include "feeds/dates.h"

#include <date/tz.h>

#include <boost/test/unit_test.hpp>

using feedd::feeds::format_rfc3339;
using feedd::feeds::format_rfc822;

BOOST_AUTO_TEST_SUITE(dates)

namespace {

std::chrono::sys_seconds utc(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
  return date::sys_days{date::year{y} / m / d} + std::chrono::hours(hh) + std::chrono::minutes(mm) +
         std::chrono::seconds(ss);
}

}  // namespace

BOOST_AUTO_TEST_CASE(tokyo_has_a_fixed_offset) {
  const auto* tokyo = date::locate_zone("Asia/Tokyo");
  const auto t = utc(2025, 4, 29, 15, 0);  // 2025-04-30 00:00 in Tokyo
  BOOST_TEST(format_rfc3339(t, tokyo) == "2025-04-30T00:00:00+09:00");
  BOOST_TEST(format_rfc822(t, tokyo) == "Wed, 30 Apr 2025 00:00:00 +0900");
}

BOOST_AUTO_TEST_CASE(utc_and_null_zone) {
  const auto t = utc(2025, 1, 5, 7, 8, 9);
  BOOST_TEST(format_rfc3339(t, nullptr) == "2025-01-05T07:08:09+00:00");
  BOOST_TEST(format_rfc822(t, date::locate_zone("UTC")) == "Sun, 05 Jan 2025 07:08:09 +0000");
  BOOST_TEST(format_rfc3339(std::chrono::sys_seconds{}, nullptr) == "1970-01-01T00:00:00+00:00");
}

BOOST_AUTO_TEST_CASE(new_york_spring_forward_2025_03_09) {
  const auto* ny = date::locate_zone("America/New_York");
  // 06:59:59Z is 01:59:59 EST; one second later it is 03:00:00 EDT.
  BOOST_TEST(format_rfc3339(utc(2025, 3, 9, 6, 59, 59), ny) == "2025-03-09T01:59:59-05:00");
  BOOST_TEST(format_rfc3339(utc(2025, 3, 9, 7, 0, 0), ny) == "2025-03-09T03:00:00-04:00");
  BOOST_TEST(format_rfc822(utc(2025, 3, 9, 7, 0, 0), ny) == "Sun, 09 Mar 2025 03:00:00 -0400");
}

// Offsets with minutes, on both sides of UTC, and a year past 9999 (written whole).
BOOST_AUTO_TEST_CASE(offsets_with_minutes_and_long_years) {
  const auto* kolkata = date::locate_zone("Asia/Kolkata");
  const auto* st_johns = date::locate_zone("America/St_Johns");
  BOOST_TEST(format_rfc3339(utc(2025, 6, 1, 12, 5, 7), kolkata) == "2025-06-01T17:35:07+05:30");
  BOOST_TEST(format_rfc822(utc(2025, 6, 1, 12, 5, 7), kolkata) ==
             "Sun, 01 Jun 2025 17:35:07 +0530");
  BOOST_TEST(format_rfc3339(utc(2025, 1, 1, 2, 0, 0), st_johns) == "2024-12-31T22:30:00-03:30");
  BOOST_TEST(format_rfc822(utc(2025, 1, 1, 2, 0, 0), st_johns) ==
             "Tue, 31 Dec 2024 22:30:00 -0330");
  BOOST_TEST(format_rfc3339(utc(10000, 1, 2, 3, 4, 5), nullptr) == "10000-01-02T03:04:05+00:00");
}

BOOST_AUTO_TEST_CASE(new_york_fall_back_2025_11_02) {
  const auto* ny = date::locate_zone("America/New_York");
  // 01:30 happens twice: first in EDT (05:30Z), then in EST (06:30Z).
  BOOST_TEST(format_rfc3339(utc(2025, 11, 2, 5, 30), ny) == "2025-11-02T01:30:00-04:00");
  BOOST_TEST(format_rfc3339(utc(2025, 11, 2, 6, 30), ny) == "2025-11-02T01:30:00-05:00");
  BOOST_TEST(format_rfc822(utc(2025, 11, 2, 6, 30), ny) == "Sun, 02 Nov 2025 01:30:00 -0500");
}

BOOST_AUTO_TEST_CASE(local_date_crosses_midnight) {
  const auto* tokyo = date::locate_zone("Asia/Tokyo");
  const auto day = feedd::feeds::local_date(utc(2025, 12, 31, 15, 0), tokyo);
  BOOST_TEST(day.year == 2026);
  BOOST_TEST(day.month == 1u);
  BOOST_TEST(day.day == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
