#include "common/utf8.h"

#include <utf8cpp/utf8.h>

#include <cstdint>
#include <cstdio>

#include "common/text.h"

namespace feedd::common::utf8 {

// utfcpp (Debian's libutfcpp-dev) validates strictly: overlong forms, surrogates and code
// points past U+10FFFF are all invalid, as RFC 3629 says.

std::size_t find_invalid(std::string_view bytes) {
  const auto at = ::utf8::find_invalid(bytes.begin(), bytes.end());
  return at == bytes.end() ? kValid : static_cast<std::size_t>(at - bytes.begin());
}

std::size_t decode_valid(std::string_view bytes, std::size_t pos, char32_t& cp) {
  const auto first = static_cast<unsigned char>(bytes[pos]);
  if (first < 0x80) {
    cp = first;
    return 1;
  }
  // utfcpp's checked decoder (utf8::next) throws on malformed input; validate_next is the
  // non-throwing core of it (and of utf8::find_invalid): it checks and decodes in one pass,
  // and leaves `it` where it was when the sequence is malformed.
  const char* const begin = bytes.data() + pos;
  const char* it = begin;
  std::uint32_t code_point = 0;
  if (::utf8::internal::validate_next(it, bytes.data() + bytes.size(), code_point) !=
      ::utf8::internal::UTF8_OK) {
    return 0;
  }
  cp = static_cast<char32_t>(code_point);
  return static_cast<std::size_t>(it - begin);
}

std::size_t valid_length(std::string_view bytes, std::size_t pos) {
  char32_t ignored = 0;
  return decode_valid(bytes, pos, ignored);
}

char32_t decode(std::string_view bytes, std::size_t& pos) {
  char32_t cp = U'\uFFFD';
  const std::size_t n = decode_valid(bytes, pos, cp);
  pos += n == 0 ? 1 : n;
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
  const std::size_t column = text::column_of_offset(bytes, offset);
  char reason[96];
  std::snprintf(reason, sizeof reason, "invalid UTF-8 (byte 0x%02X at column %zu)",
                static_cast<unsigned>(static_cast<unsigned char>(bytes[offset])), column);
  return reason;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace feedd::common::utf8
