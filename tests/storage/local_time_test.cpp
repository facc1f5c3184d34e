// Dates and local times: the date-line forms, timestamps, zones, gaps and overlaps.
#include "storage/readers/local_time.h"

#include <boost/test/unit_test.hpp>

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(local_time)

namespace {

using namespace std::chrono;

date::local_seconds local(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return date::local_days{date::year{y} / m / d} + hours{h} + minutes{min};
}

sys_seconds utc(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return date::sys_days{date::year{y} / m / d} + hours{h} + minutes{min};
}

}  // namespace

BOOST_AUTO_TEST_CASE(date_lines) {
  const date::year_month_day expected{date::year{2025}, date::month{4}, date::day{30}};
  for (std::string_view line : {"2025.04.30", "2025-04-30", "2025/04/30", "2025年4月30日",
                                "2025年04月30日", "2025/4/30", "2025.04.30 (Wed)"}) {
    BOOST_TEST_CONTEXT(line) {
      BOOST_REQUIRE(parse_date_line(line).has_value());
      BOOST_TEST((*parse_date_line(line) == expected));
    }
  }
  for (std::string_view line : {"2025.04-30", "2025.04.31", "2025年4月30", "25.04.30",
                                "2025.04.30 extra", "2025.04.300", "", "2025年13月1日"}) {
    BOOST_TEST_CONTEXT(line) { BOOST_TEST(!parse_date_line(line).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(tokyo_has_no_dst) {
  const auto* tokyo = date::locate_zone("Asia/Tokyo");
  BOOST_TEST((local_to_sys(*tokyo, local(2025, 4, 30, 23, 30)) == utc(2025, 4, 30, 14, 30)));
  BOOST_TEST(format_local_date(*tokyo, utc(2025, 4, 30, 15, 0)) == "2025-05-01");
  BOOST_TEST(format_local_date(*tokyo, utc(2025, 4, 30, 14, 59)) == "2025-04-30");
}

BOOST_AUTO_TEST_CASE(gaps_and_overlaps) {
  const auto* berlin = date::locate_zone("Europe/Berlin");
  // Spring forward 2025-03-30 02:00 CET -> 03:00 CEST.
  BOOST_TEST((local_to_sys(*berlin, local(2025, 3, 30)) == utc(2025, 3, 29, 23)));
  BOOST_TEST((local_to_sys(*berlin, local(2025, 3, 30, 2, 30)) == utc(2025, 3, 30, 1, 30)));
  BOOST_TEST((local_to_sys(*berlin, local(2025, 3, 30, 3)) == utc(2025, 3, 30, 1)));
  // Fall back 2025-10-26 03:00 CEST -> 02:00 CET: 02:30 twice, the earlier wins.
  BOOST_TEST((local_to_sys(*berlin, local(2025, 10, 26, 2, 30)) == utc(2025, 10, 26, 0, 30)));
  BOOST_TEST((local_to_sys(nullptr, local(2025, 10, 26, 2, 30)) == utc(2025, 10, 26, 2, 30)));
}

BOOST_AUTO_TEST_CASE(timestamps) {
  const auto* tokyo = date::locate_zone("Asia/Tokyo");
  const minutes noon{12 * 60};
  BOOST_TEST((*parse_timestamp("2025-04-30", tokyo, noon) == utc(2025, 4, 30, 3)));
  BOOST_TEST((*parse_timestamp("2025-04-30t14:30:00z", tokyo, noon) == utc(2025, 4, 30, 14, 30)));
  BOOST_TEST(
      (*parse_timestamp("2025-04-30T23:30:00+0900", tokyo, noon) == utc(2025, 4, 30, 14, 30)));
  for (std::string_view bad : {"2025-04-30T25:00", "2025-04-30 23", "2025-4-30", "tomorrow",
                               "2025-04-30T23:30:00+9", "2025-04-30T23:30:00Zjunk"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!parse_timestamp(bad, tokyo, noon).has_value()); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
