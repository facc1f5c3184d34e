#include "common/utf8.h"

#include <utf8cpp/utf8.h>

#include <algorithm>
#include <cstdio>

namespace feedd::common::utf8 {

// utfcpp (Debian's libutfcpp-dev) validates strictly: overlong forms, surrogates and code
// points past U+10FFFF are all invalid, as RFC 3629 says.

std::size_t find_invalid(std::string_view bytes) {
  const auto at = ::utf8::find_invalid(bytes.begin(), bytes.end());
  return at == bytes.end() ? kValid : static_cast<std::size_t>(at - bytes.begin());
}

std::size_t valid_length(std::string_view bytes, std::size_t pos) {
  const auto first = static_cast<unsigned char>(bytes[pos]);
  if (first < 0x80) {
    return 1;
  }
  // The first sequence of a window of at most four bytes is valid exactly when the window's
  // first invalid byte is not its first one.
  const std::string_view window = bytes.substr(pos, 4);
  if (::utf8::find_invalid(window.begin(), window.end()) == window.begin()) {
    return 0;
  }
  auto it = window.begin();
  ::utf8::unchecked::next(it);
  return static_cast<std::size_t>(it - window.begin());
}

char32_t decode(std::string_view bytes, std::size_t& pos) {
  const std::size_t n = valid_length(bytes, pos);
  if (n == 0) {
    ++pos;
    return U'\uFFFD';
  }
  auto it = bytes.begin() + static_cast<std::ptrdiff_t>(pos);
  const auto cp = static_cast<char32_t>(::utf8::unchecked::next(it));
  pos += n;
  return cp;
}

std::size_t count_code_points(std::string_view bytes) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    decode(bytes, pos);
    ++count;
  }
  return count;
}

std::string describe_invalid(std::string_view bytes, std::size_t offset) {
  const std::size_t line_start = offset == 0 ? 0 : bytes.rfind('\n', offset - 1);
  const std::size_t column =
      offset - (line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1) + 1;
  char reason[96];
  std::snprintf(reason, sizeof reason, "invalid UTF-8 (byte 0x%02X at column %zu)",
                static_cast<unsigned>(static_cast<unsigned char>(bytes[offset])), column);
  return reason;
}

}  // namespace feedd::common::utf8
