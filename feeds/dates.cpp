#include "feeds/dates.h"

#include <date/tz.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace feedd::feeds {
namespace {

struct LocalTime {
  date::year_month_day day;
  date::weekday weekday;
  long seconds_of_day = 0;
  long offset_minutes = 0;
};

LocalTime to_local(std::chrono::sys_seconds instant, const date::time_zone* zone) {
  long offset_minutes = 0;
  if (zone != nullptr) {
    offset_minutes = static_cast<long>(zone->get_info(instant).offset.count() / 60);
  }
  const auto local = instant + std::chrono::minutes(offset_minutes);
  const auto days = std::chrono::floor<date::days>(local);
  LocalTime result{date::year_month_day{days}, date::weekday{days},
                   static_cast<long>((local - days).count()), offset_minutes};
  return result;
}

void format_offset(char* buffer, std::size_t size, long offset_minutes, bool colon) {
  const char sign = offset_minutes < 0 ? '-' : '+';
  // Zone offsets are under a day; the bound also tells the compiler the digits fit.
  const long magnitude = std::labs(offset_minutes) % (24 * 60);
  std::snprintf(buffer, size, colon ? "%c%02ld:%02ld" : "%c%02ld%02ld", sign, magnitude / 60,
                magnitude % 60);
}

}  // namespace

std::string format_rfc3339(std::chrono::sys_seconds instant, const date::time_zone* zone) {
  const LocalTime t = to_local(instant, zone);
  char offset[16];
  format_offset(offset, sizeof offset, t.offset_minutes, true);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld%s",
                static_cast<int>(t.day.year()), static_cast<unsigned>(t.day.month()),
                static_cast<unsigned>(t.day.day()), t.seconds_of_day / 3600,
                t.seconds_of_day / 60 % 60, t.seconds_of_day % 60, offset);
  return buffer;
}

std::string format_rfc822(std::chrono::sys_seconds instant, const date::time_zone* zone) {
  const LocalTime t = to_local(instant, zone);
  char offset[16];
  format_offset(offset, sizeof offset, t.offset_minutes, false);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02ld:%02ld:%02ld %s",
                kWeekdayNames[t.weekday.c_encoding()].data(), static_cast<unsigned>(t.day.day()),
                kMonthNames[static_cast<unsigned>(t.day.month()) - 1].data(),
                static_cast<int>(t.day.year()), t.seconds_of_day / 3600, t.seconds_of_day / 60 % 60,
                t.seconds_of_day % 60, offset);
  return buffer;
}

LocalDate local_date(std::chrono::sys_seconds instant, const date::time_zone* zone) {
  const LocalTime t = to_local(instant, zone);
  return LocalDate{static_cast<int>(t.day.year()), static_cast<unsigned>(t.day.month()),
                   static_cast<unsigned>(t.day.day())};
}

}  // namespace feedd::feeds
