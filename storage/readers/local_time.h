// Dates and times as post files write them, and local times in the site's time zone turned
// into UTC instants. Pure functions; thread-safe (date::time_zone is immutable once
// located); they never throw for bad input: a text that is not a valid date gives nullopt.
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace feedd::storage {

// The date line of a page-text post: "2025.04.30", "2025-04-30", "2025/04/30" or
// "2025年4月30日" (month and day with one or two digits in every form), optionally followed
// by a weekday in parentheses ("(水)", "（水）", "(Wed)"). Surrounding whitespace is ignored.
// nullopt when the line has another form or names no real day (2025.02.30).
std::optional<date::year_month_day> parse_date_line(std::string_view line);

// Local wall time -> UTC instant in `zone`. A unique time maps exactly. An ambiguous time
// (the repeated hour when clocks go back) takes the earlier instant. A nonexistent time (in
// the gap when clocks go forward) is read with the offset in force before the gap, as
// RFC 5545 does: 02:30 in a 02:00->03:00 gap is the instant shown as 03:30 afterwards.
std::chrono::sys_seconds local_to_sys(const date::time_zone& zone, date::local_seconds local);

// As above; a null `zone` (no site.timezone configured) reads local times as UTC.
std::chrono::sys_seconds local_to_sys(const date::time_zone* zone, date::local_seconds local);

// `day` at `time` after midnight, as a local time.
date::local_seconds local_date_time(date::year_month_day day, std::chrono::minutes time);

// "YYYY-MM-DD" of `instant` as seen in `zone`.
std::string format_local_date(const date::time_zone& zone, std::chrono::sys_seconds instant);
std::string format_local_date(const date::time_zone* zone, std::chrono::sys_seconds instant);

// A front-matter timestamp, one of:
//   RFC 3339 with an offset: "2025-04-30T23:30:00+09:00", "2025-04-30T14:30:00Z" (a
//     fraction of a second is accepted and dropped; ' ' or 't' may replace 'T');
//   a local date and time, no offset: "2025-04-30 23:30" or "2025-04-30T23:30:15", in `zone`;
//   a date only: "2025-04-30", at `default_time` in `zone`.
// A null `zone` reads local times as UTC.
std::optional<std::chrono::sys_seconds> parse_timestamp(std::string_view text,
                                                        const date::time_zone* zone,
                                                        std::chrono::minutes default_time);

// A Movable Type DATE value, "MM/DD/YYYY hh:mm:ss AM" or "... PM" (12-hour clock), also
// accepted in 24-hour form without AM/PM and with the seconds left out. Local time.
std::optional<date::local_seconds> parse_mt_date(std::string_view text);

}  // namespace feedd::storage
