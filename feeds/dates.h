// Date formats the feeds use, in the site's time zone with its real UTC offset at that
// instant (DST included). Pure functions; thread-safe (the tz database is read-only);
// never throw. A null zone means UTC. Offsets that are not whole minutes (old LMT) are
// truncated to the minute, and the local time printed matches the printed offset.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace feedd::feeds {

// The English names RFC 822 (RSS) and HTTP dates (RFC 9110 §5.6.7) spell: weekdays from
// Sunday (date::weekday::c_encoding()), months from January. Null-terminated, for printf.
inline constexpr std::array<std::string_view, 7> kWeekdayNames = {"Sun", "Mon", "Tue", "Wed",
                                                                  "Thu", "Fri", "Sat"};
inline constexpr std::array<std::string_view, 12> kMonthNames = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// RFC 3339 / ISO 8601, e.g. "2025-04-30T00:00:00+09:00" (Atom, JSON Feed).
std::string format_rfc3339(std::chrono::sys_seconds instant, const date::time_zone* zone);

// RFC 822 as updated by RFC 1123, e.g. "Wed, 30 Apr 2025 00:00:00 +0900" (RSS 2.0).
std::string format_rfc822(std::chrono::sys_seconds instant, const date::time_zone* zone);

struct LocalDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};

// The calendar date of `instant` in `zone`.
LocalDate local_date(std::chrono::sys_seconds instant, const date::time_zone* zone);

}  // namespace feedd::feeds
