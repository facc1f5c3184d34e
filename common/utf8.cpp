#include "common/utf8.h"

#include <cstdio>

namespace feedd::common::utf8 {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed sequence at `pos`, or 0 when it is malformed.
std::size_t sequence_length(std::string_view s, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  const std::size_t left = s.size() - pos;
  if (b0 < 0x80) {
    return 1;
  }
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[pos + i]); };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return left >= 2 && is_continuation(at(1)) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !is_continuation(at(1)) || !is_continuation(at(2))) {
      return 0;
    }
    if (b0 == 0xE0 && at(1) < 0xA0) {
      return 0;  // overlong
    }
    if (b0 == 0xED && at(1) > 0x9F) {
      return 0;  // UTF-16 surrogate
    }
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !is_continuation(at(1)) || !is_continuation(at(2)) || !is_continuation(at(3))) {
      return 0;
    }
    if (b0 == 0xF0 && at(1) < 0x90) {
      return 0;  // overlong
    }
    if (b0 == 0xF4 && at(1) > 0x8F) {
      return 0;  // past U+10FFFF
    }
    return 4;
  }
  return 0;
}

}  // namespace

std::size_t find_invalid(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    // Fast path for ASCII runs, which dominate most files.
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t n = sequence_length(bytes, pos);
    if (n == 0) {
      return pos;
    }
    pos += n;
  }
  return kValid;
}

char32_t decode(std::string_view bytes, std::size_t& pos) {
  const std::size_t n = sequence_length(bytes, pos);
  const auto b0 = static_cast<unsigned char>(bytes[pos]);
  if (n == 0) {
    ++pos;
    return U'\uFFFD';
  }
  char32_t cp = 0;
  switch (n) {
    case 1:
      cp = b0;
      break;
    case 2:
      cp = b0 & 0x1F;
      break;
    case 3:
      cp = b0 & 0x0F;
      break;
    default:
      cp = b0 & 0x07;
      break;
  }
  for (std::size_t i = 1; i < n; ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(bytes[pos + i]) & 0x3F);
  }
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
