#include "feeds/http_date.h"

#include <array>
#include <cstdio>

#include "common/text.h"
#include "feeds/dates.h"

namespace feedd::feeds {
namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr const auto& kDays = kWeekdayNames;
constexpr const auto& kMonths = kMonthNames;

// A tiny cursor over the text; every take_* fails (returns false) without consuming on error.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool literal(std::string_view expected) {
    if (!text_.starts_with(expected)) {
      return false;
    }
    text_.remove_prefix(expected.size());
    return true;
  }
  // Exactly `width` digits ("width" 0: one or two digits, for asctime's day).
  bool digits(std::size_t width, int& value) {
    std::size_t n = 0;
    value = 0;
    while (n < text_.size() && n < width && text_[n] >= '0' && text_[n] <= '9') {
      value = value * 10 + (text_[n] - '0');
      ++n;
    }
    if (n != width) {
      return false;
    }
    text_.remove_prefix(n);
    return true;
  }
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, int& index) {
    for (std::size_t i = 0; i < N; ++i) {
      if (text_.starts_with(names[i])) {
        text_.remove_prefix(names[i].size());
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  bool empty() const { return text_.empty(); }

 private:
  std::string_view text_;
};

bool time_of_day(Cursor& cursor, int& h, int& m, int& s) {
  return cursor.digits(2, h) && cursor.literal(":") && cursor.digits(2, m) && cursor.literal(":") &&
         cursor.digits(2, s) && h < 24 && m < 60 && s <= 60;
}

// Validates the calendar date and the day of the week, then builds the instant.
std::optional<sys_seconds> make_instant(int y, int mon, int d, int h, int m, int s, int wday) {
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mon + 1)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  sys_days days{ymd};
  if (weekday{days}.c_encoding() != static_cast<unsigned>(wday)) {
    return std::nullopt;
  }
  // A leap second (":60") is read as the next second, as RFC 9110 permits.
  return sys_seconds{days} + hours{h} + minutes{m} + seconds{s};
}

}  // namespace

std::string format_http_date(sys_seconds instant) {
  const sys_days days = floor<std::chrono::days>(instant);
  const year_month_day ymd{days};
  const hh_mm_ss<seconds> hms{instant - days};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                kDays[weekday{days}.c_encoding()].data(), static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1].data(),
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buffer;
}

std::optional<sys_seconds> parse_http_date(std::string_view text, sys_seconds now) {
  text = common::text::trim_ows(text);
  int wday = 0, d = 0, mon = 0, y = 0, h = 0, m = 0, s = 0;
  {  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    Cursor c(text);
    if (c.name(kDays, wday) && c.literal(", ") && c.digits(2, d) && c.literal(" ") &&
        c.name(kMonths, mon) && c.literal(" ") && c.digits(4, y) && c.literal(" ") &&
        time_of_day(c, h, m, s) && c.literal(" GMT") && c.empty()) {
      return make_instant(y, mon, d, h, m, s, wday);
    }
  }
  {  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    Cursor c(text);
    if (c.name(kLongDays, wday) && c.literal(", ") && c.digits(2, d) && c.literal("-") &&
        c.name(kMonths, mon) && c.literal("-") && c.digits(2, y) && c.literal(" ") &&
        time_of_day(c, h, m, s) && c.literal(" GMT") && c.empty()) {
      // The century is the one that puts the date no more than 50 years in the future.
      const int this_year = static_cast<int>(year_month_day{floor<days>(now)}.year());
      int full = (this_year / 100) * 100 + y;
      if (full > this_year + 50) {
        full -= 100;
      }
      return make_instant(full, mon, d, h, m, s, wday);
    }
  }
  {  // asctime: "Sun Nov  6 08:49:37 1994"
    Cursor c(text);
    if (c.name(kDays, wday) && c.literal(" ") && c.name(kMonths, mon) && c.literal(" ") &&
        (c.digits(2, d) || (c.literal(" ") && c.digits(1, d))) && c.literal(" ") &&
        time_of_day(c, h, m, s) && c.literal(" ") && c.digits(4, y) && c.empty()) {
      return make_instant(y, mon, d, h, m, s, wday);
    }
  }
  return std::nullopt;
}

}  // namespace feedd::feeds
