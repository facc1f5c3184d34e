// Zero-padded decimal numbers for dates and times, written as printf's "%0*ld" writes them
// but without printf: formatting each post's dates and permalink with snprintf was ~2 % of a
// cold build's instructions (bench/RESULTS.md).
#pragma once

#include <cstdlib>

namespace feedd::common {

// The most a call writes: a sign and the 19 digits of a long.
inline constexpr int kMaxPaddedDigits = 20;

// Writes `value` at `at` with at least `width` characters (1 to kMaxPaddedDigits), zeros after
// the sign as printf's "%0*ld" puts them ("-05" for -5 at width 3; more digits when the value
// needs them, never cut), and returns the end. No terminating NUL.
inline char* put_padded(char* at, long value, int width) {
  char digits[kMaxPaddedDigits];
  int count = 0;
  // Digits from the magnitude, negated one digit at a time, so that LONG_MIN works too.
  long rest = value;
  do {
    digits[count++] = static_cast<char>('0' + std::labs(rest % 10));
    rest /= 10;
  } while (rest != 0);
  if (value < 0) {
    *at++ = '-';
    --width;
  }
  for (int pad = width - count; pad > 0; --pad) {
    *at++ = '0';
  }
  while (count > 0) {
    *at++ = digits[--count];
  }
  return at;
}

// "YYYY-MM-DD" (RFC 3339's full-date; a year past 9999 or before 0 written whole, as
// printf's "%04d" does) at `at`; returns the end. At most 3 * kMaxPaddedDigits characters.
inline char* put_date(char* at, long year, long month, long day) {
  at = put_padded(at, year, 4);
  *at++ = '-';
  at = put_padded(at, month, 2);
  *at++ = '-';
  return put_padded(at, day, 2);
}

}  // namespace feedd::common
