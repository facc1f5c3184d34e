#include "feeds/dates.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "common/padded_digits.h"

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

// "+09:00" (colon) or "+0900", at `at`; returns the end.
char* put_offset(char* at, long offset_minutes, bool colon) {
  *at++ = offset_minutes < 0 ? '-' : '+';
  // Zone offsets are under a day.
  const long magnitude = std::labs(offset_minutes) % (24 * 60);
  at = common::put_padded(at, magnitude / 60, 2);
  if (colon) {
    *at++ = ':';
  }
  return common::put_padded(at, magnitude % 60, 2);
}

// "hh:mm:ss" of `seconds_of_day`, at `at`; returns the end.
char* put_time_of_day(char* at, long seconds_of_day) {
  at = common::put_padded(at, seconds_of_day / 3600, 2);
  *at++ = ':';
  at = common::put_padded(at, seconds_of_day / 60 % 60, 2);
  *at++ = ':';
  return common::put_padded(at, seconds_of_day % 60, 2);
}

}  // namespace

std::string format_rfc3339(std::chrono::sys_seconds instant, const date::time_zone* zone) {
  const LocalTime t = to_local(instant, zone);
  char buffer[96];
  char* at =
      common::put_date(buffer, static_cast<int>(t.day.year()), static_cast<unsigned>(t.day.month()),
                       static_cast<unsigned>(t.day.day()));
  *at++ = 'T';
  at = put_time_of_day(at, t.seconds_of_day);
  return {buffer, put_offset(at, t.offset_minutes, true)};
}

std::string format_rfc822(std::chrono::sys_seconds instant, const date::time_zone* zone) {
  const LocalTime t = to_local(instant, zone);
  const auto put_text = [](char* at, std::string_view text) {
    return std::copy(text.begin(), text.end(), at);
  };
  char buffer[96];
  char* at = put_text(buffer, kWeekdayNames[t.weekday.c_encoding()]);
  at = put_text(at, ", ");
  at = common::put_padded(at, static_cast<unsigned>(t.day.day()), 2);
  *at++ = ' ';
  at = put_text(at, kMonthNames[static_cast<unsigned>(t.day.month()) - 1]);
  *at++ = ' ';
  at = common::put_padded(at, static_cast<int>(t.day.year()), 4);
  *at++ = ' ';
  at = put_time_of_day(at, t.seconds_of_day);
  *at++ = ' ';
  return {buffer, put_offset(at, t.offset_minutes, false)};
}

LocalDate local_date(std::chrono::sys_seconds instant, const date::time_zone* zone) {
  const LocalTime t = to_local(instant, zone);
  return LocalDate{static_cast<int>(t.day.year()), static_cast<unsigned>(t.day.month()),
                   static_cast<unsigned>(t.day.day())};
}

}  // namespace feedd::feeds
