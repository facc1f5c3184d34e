// Character classes and small checks of HTTP's ABNF (RFC 9110 §5.6, RFC 9112 §5), shared by
// the request parser and the chunked decoder. Pure constexpr functions; thread-safe.
#pragma once

#include <string_view>

namespace feedd::daemon::http_syntax {

// tchar: "!#$%&'*+-.^_`|~", DIGIT, ALPHA (RFC 9110 §5.6.2).
constexpr bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

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

constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

constexpr std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_ows(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// field-value bytes (RFC 9110 §5.5): VCHAR, obs-text, SP and HTAB; no NUL, CR, LF or other
// control character.
constexpr bool is_field_value(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      return false;
    }
  }
  return true;
}

}  // namespace feedd::daemon::http_syntax
