#include "storage/readers/local_time.h"

#include "common/padded_digits.h"
#include "common/text.h"

namespace feedd::storage {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A cursor over an ASCII/UTF-8 text for the small fixed grammars below.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool done() const { return pos_ == s_.size(); }
  std::string_view rest() const { return s_.substr(pos_); }

  // Reads min..max decimal digits.
  bool number(int min_digits, int max_digits, int& out) {
    int value = 0;
    int digits = 0;
    while (pos_ < s_.size() && digits < max_digits && s_[pos_] >= '0' && s_[pos_] <= '9') {
      value = value * 10 + (s_[pos_] - '0');
      ++pos_;
      ++digits;
    }
    out = value;
    return digits >= min_digits;
  }

  bool literal(std::string_view lit) {
    if (s_.substr(pos_).starts_with(lit)) {
      pos_ += lit.size();
      return true;
    }
    return false;
  }

  // Consumes one of the characters of `set` (ASCII), storing it in `out`.
  bool one_of(std::string_view set, char& out) {
    if (pos_ < s_.size() && set.find(s_[pos_]) != std::string_view::npos) {
      out = s_[pos_++];
      return true;
    }
    return false;
  }

  void skip_spaces() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<date::year_month_day> make_day(int y, int m, int d) {
  const date::year_month_day day{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!day.ok()) {
    return std::nullopt;
  }
  return day;
}

// An optional weekday in ASCII or full-width parentheses, then the end of the line.
bool weekday_suffix_then_end(Scanner& in) {
  in.skip_spaces();
  if (in.done()) {
    return true;
  }
  const std::string_view rest = in.rest();
  const bool ascii = rest.starts_with("(") && rest.ends_with(")");
  const bool wide = rest.starts_with("\xEF\xBC\x88") && rest.ends_with("\xEF\xBC\x89");  // （ ）
  const std::size_t inner = ascii ? rest.size() - 2 : rest.size() - 6;
  return (ascii || wide) && inner > 0 && inner <= 12;
}

// "HH:MM" or "HH:MM:SS" (with an optional fraction of a second, dropped).
bool clock_time(Scanner& in, seconds& out) {
  int h = 0;
  int m = 0;
  int s = 0;
  if (!in.number(1, 2, h) || !in.literal(":") || !in.number(2, 2, m)) {
    return false;
  }
  if (in.literal(":")) {
    if (!in.number(2, 2, s)) {
      return false;
    }
    if (in.literal(".") || in.literal(",")) {
      int fraction = 0;
      if (!in.number(1, 9, fraction)) {
        return false;
      }
    }
  }
  if (h > 23 || m > 59 || s > 60) {
    return false;
  }
  out = hours{h} + minutes{m} + seconds{s == 60 ? 59 : s};
  return true;
}

// "YYYY-MM-DD" (ISO 8601 calendar date, two-digit month and day).
std::optional<date::year_month_day> iso_date(Scanner& in) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (!in.number(4, 4, y) || !in.literal("-") || !in.number(2, 2, m) || !in.literal("-") ||
      !in.number(2, 2, d)) {
    return std::nullopt;
  }
  return make_day(y, m, d);
}

}  // namespace

std::optional<date::year_month_day> parse_date_line(std::string_view line) {
  Scanner in(common::text::trim(line));
  int y = 0;
  int m = 0;
  int d = 0;
  if (!in.number(4, 4, y)) {
    return std::nullopt;
  }
  char sep = 0;
  if (in.one_of(".-/", sep)) {
    if (!in.number(1, 2, m) || !in.literal(std::string_view(&sep, 1)) || !in.number(1, 2, d)) {
      return std::nullopt;
    }
  } else if (!in.literal("年") || !in.number(1, 2, m) || !in.literal("月") || !in.number(1, 2, d) ||
             !in.literal("日")) {
    return std::nullopt;
  }
  if (!weekday_suffix_then_end(in)) {
    return std::nullopt;
  }
  return make_day(y, m, d);
}

std::chrono::sys_seconds local_to_sys(const date::time_zone& zone, date::local_seconds local) {
  const date::local_info info = zone.get_info(local);
  // For unique and ambiguous times `first` is the earlier reading; for a nonexistent time it
  // is the period that ends at the gap, whose offset RFC 5545 says to use.
  return std::chrono::sys_seconds{local.time_since_epoch() - info.first.offset};
}

std::chrono::sys_seconds local_to_sys(const date::time_zone* zone, date::local_seconds local) {
  if (zone == nullptr) {
    return std::chrono::sys_seconds{local.time_since_epoch()};
  }
  return local_to_sys(*zone, local);
}

date::local_seconds local_date_time(date::year_month_day day, std::chrono::minutes time) {
  return date::local_days{day} + time;
}

std::string format_local_date(const date::time_zone& zone, std::chrono::sys_seconds instant) {
  return format_local_date(&zone, instant);
}

std::string format_local_date(const date::time_zone* zone, std::chrono::sys_seconds instant) {
  const date::local_seconds local =
      zone != nullptr ? zone->to_local(instant) : date::local_seconds{instant.time_since_epoch()};
  const date::year_month_day day{date::floor<date::days>(local)};
  char buffer[3 * common::kMaxPaddedDigits];
  return {buffer,
          common::put_date(buffer, static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                           static_cast<unsigned>(day.day()))};
}

std::optional<std::chrono::sys_seconds> parse_timestamp(std::string_view text,
                                                        const date::time_zone* zone,
                                                        std::chrono::minutes default_time) {
  Scanner in(common::text::trim(text));
  const auto day = iso_date(in);
  if (!day) {
    return std::nullopt;
  }
  if (in.done()) {
    return local_to_sys(zone, local_date_time(*day, default_time));
  }
  char sep = 0;
  seconds time{0};
  if (!in.one_of("Tt ", sep) || !clock_time(in, time)) {
    return std::nullopt;
  }
  const date::local_seconds local = date::local_days{*day} + time;
  in.skip_spaces();
  if (in.done()) {
    return local_to_sys(zone, local);
  }
  if (in.literal("Z") || in.literal("z")) {
    return in.done() ? std::optional(std::chrono::sys_seconds{local.time_since_epoch()})
                     : std::nullopt;
  }
  char sign = 0;
  int oh = 0;
  int om = 0;
  if (!in.one_of("+-", sign) || !in.number(2, 2, oh)) {
    return std::nullopt;
  }
  in.literal(":");
  if (!in.number(2, 2, om) || !in.done() || oh > 23 || om > 59) {
    return std::nullopt;
  }
  const seconds offset = (sign == '-' ? -1 : 1) * (hours{oh} + minutes{om});
  return std::chrono::sys_seconds{local.time_since_epoch() - offset};
}

std::optional<date::local_seconds> parse_mt_date(std::string_view text) {
  Scanner in(common::text::trim(text));
  int m = 0;
  int d = 0;
  int y = 0;
  if (!in.number(1, 2, m) || !in.literal("/") || !in.number(1, 2, d) || !in.literal("/") ||
      !in.number(4, 4, y)) {
    return std::nullopt;
  }
  const auto day = make_day(y, m, d);
  in.skip_spaces();
  seconds time{0};
  if (!day || !clock_time(in, time)) {
    return std::nullopt;
  }
  in.skip_spaces();
  if (!in.done()) {
    const bool am = in.literal("AM") || in.literal("am");
    const bool pm = !am && (in.literal("PM") || in.literal("pm"));
    if ((!am && !pm) || !in.done() || time < hours{1} || time >= hours{13}) {
      return std::nullopt;
    }
    if (time >= hours{12}) {
      time -= hours{12};  // 12:xx AM is just after midnight, 12:xx PM just after noon
    }
    if (pm) {
      time += hours{12};
    }
  }
  return date::local_days{*day} + time;
}

}  // namespace feedd::storage
