// Character classes and small checks of HTTP's ABNF (RFC 9110 §5.6, RFC 9112 §5), shared by
// the request parser and the chunked decoder. Pure functions and constant tables; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "common/text.h"

namespace feedd::daemon::http_syntax {

// A 256-entry table of the bytes in `members` (lookups per byte on the request hot path).
struct ByteClass {
  bool member[256] = {};
  constexpr ByteClass(std::string_view members, bool alphanumerics) {
    for (char c : members) {
      member[static_cast<unsigned char>(c)] = true;
    }
    for (int c = 0; alphanumerics && c < 256; ++c) {
      member[c] =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || member[c];
    }
  }
  constexpr bool operator()(char c) const { return member[static_cast<unsigned char>(c)]; }
};

// tchar: "!#$%&'*+-.^_`|~", DIGIT, ALPHA (RFC 9110 §5.6.2).
inline constexpr ByteClass is_tchar("!#$%&'*+-.^_`|~", true);

// The bytes of a reg-name (RFC 3986 §3.2.2): unreserved, pct-encoded, sub-delims.
inline constexpr ByteClass is_reg_name_char("-._~!$&'()*+,;=%", true);
// The bytes inside an IP-literal's brackets: an IPv6 address (with an IPv4 tail), or an
// IPvFuture ("v1.x", unreserved and sub-delims after the dot).
inline constexpr ByteClass is_ip_literal_char("-._~!$&'()*+,;=:", true);

constexpr bool is_token(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (!is_tchar(c)) {
      return false;
    }
  }
  return true;
}

using common::text::is_ows;
using common::text::trim_ows;

namespace detail {
// The `Word`-sized bytes of `name` at `at`, bit 0x20 set in each, equal those of `lower`.
template <typename Word>
bool word_is_folded(std::string_view name, std::string_view lower, std::size_t at) {
  constexpr auto kCaseBits = static_cast<Word>(0x2020202020202020ULL);
  Word got;
  Word want;
  std::memcpy(&got, name.data() + at, sizeof got);
  std::memcpy(&want, lower.data() + at, sizeof want);
  return (got | kCaseBits) == want;
}
}  // namespace detail

// `name` equals `lower` (as long; lower-case letters, digits and '-') ignoring ASCII case,
// where `name` is a token or `lower` holds letters only: setting bit 0x20 maps an upper-case
// letter to its lower case and changes no other such byte into one of them (for any byte,
// onto a letter). Eight bytes at a time (the last word overlapping the one before), four for
// 4 to 7: byte by byte cost a 304 ~220 instructions for its three field names.
inline bool equals_folded(std::string_view name, std::string_view lower) {
  const std::size_t size = lower.size();
  if (name.size() != size) {
    return false;
  }
  if (size < 4) {
    for (std::size_t i = 0; i < size; ++i) {
      if (static_cast<char>(name[i] | 0x20) != lower[i]) {
        return false;
      }
    }
    return true;
  }
  if (size < 8) {
    return detail::word_is_folded<std::uint32_t>(name, lower, 0) &&
           detail::word_is_folded<std::uint32_t>(name, lower, size - 4);
  }
  for (std::size_t at = 0; at + 8 < size; at += 8) {
    if (!detail::word_is_folded<std::uint64_t>(name, lower, at)) {
      return false;
    }
  }
  return detail::word_is_folded<std::uint64_t>(name, lower, size - 8);
}

// field-value bytes (RFC 9110 §5.5): VCHAR, obs-text, SP and HTAB; no NUL, CR, LF or other
// control character.
struct FieldValueBytes {
  bool member[256] = {};
  constexpr FieldValueBytes() {
    for (int c = 0; c < 256; ++c) {
      member[c] = c == '\t' || (c >= 0x20 && c != 0x7f);
    }
  }
};
inline constexpr FieldValueBytes kFieldValueBytes;

inline bool is_field_value(std::string_view text) {
  // Eight bytes at a time: any byte below 0x20 (obs-text, with its high bit, excluded) or
  // equal to 0x7f sends the rest to the byte-by-byte check (HTAB is allowed there).
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, text.data() + i, 8);
    const std::uint64_t del = x ^ (kOnes * 0x7f);
    if (((((x - kOnes * 0x20) & ~x) | ((del - kOnes) & ~del)) & kHigh) != 0) {
      break;
    }
  }
  bool ok = true;
  for (; i < text.size(); ++i) {
    ok &= kFieldValueBytes.member[static_cast<unsigned char>(text[i])];
  }
  return ok;
}

// A qvalue (RFC 9110 §12.4.2) in thousandths: "0", "0.5", "1.000"; -1 when malformed.
constexpr int parse_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) {
    return -1;
  }
  int value = (text[0] - '0') * 1000;
  if (text.size() == 1) {
    return value;
  }
  if (text[1] != '.' || text.size() > 5) {
    return -1;
  }
  int scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9' || (value == 1000 && c != '0')) {
      return -1;
    }
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value;
}

// A list element's parameter (already trimmed): its qvalue in thousandths (-1 when malformed)
// when it is "q=..." (either case of q), nullopt for any other parameter.
inline std::optional<int> q_parameter(std::string_view param) {
  if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') {
    return std::nullopt;
  }
  return parse_qvalue(trim_ows(param.substr(2)));
}

}  // namespace feedd::daemon::http_syntax
