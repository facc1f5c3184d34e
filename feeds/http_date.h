// HTTP dates (RFC 9110 §5.6.7): formatting as IMF-fixdate and parsing all three forms a
// recipient must accept (IMF-fixdate, obsolete RFC 850, ANSI C asctime). Pure functions;
// thread-safe; never throw; no clock read (the caller passes `now`). Parsing failures are an
// empty optional, never a guess.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace feedd::feeds {

// "Sun, 06 Nov 1994 08:49:37 GMT" (always 29 characters).
std::string format_http_date(std::chrono::sys_seconds instant);

// Accepts "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT" and
// "Sun Nov  6 08:49:37 1994". Surrounding white space is allowed; anything else (wrong
// day name, out-of-range fields, trailing text) is rejected. RFC 850's two-digit year is
// read as the nearest year not more than 50 years after `now` (RFC 9110 §5.6.7).
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text,
                                                        std::chrono::sys_seconds now);

}  // namespace feedd::feeds
