// Text forms of bytes: lowercase hex, base64 (RFC 4648 §4, standard alphabet, padded),
// base64url (RFC 4648 §5, unpadded; encoding only) and URI percent-encoding (RFC 3986 §2.1,
// uppercase digits when encoding; either case when decoding).
// Pure functions, thread-safe. Decoders are strict and return nullopt on any malformed input
// (odd length, a character outside the alphabet, missing or misplaced padding, non-zero
// trailing bits); they never throw except std::bad_alloc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedd::common {

std::string hex_encode(std::string_view bytes);                // "0a1b..."
std::optional<std::string> hex_decode(std::string_view text);  // either case accepted

std::string base64_encode(std::string_view bytes);                // "AAEC/w=="
std::optional<std::string> base64_decode(std::string_view text);  // padding required

std::string base64url_encode(std::string_view bytes);  // "AAEC_w"

// Appends `text` to `out`, each byte for which keep(byte) is false as "%XX".
template <typename Keep>
void append_percent_encoded(std::string& out, std::string_view text, Keep keep) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (keep(byte)) {
      out += c;
    } else {
      out += '%';
      out += kDigits[byte >> 4];
      out += kDigits[byte & 0xF];
    }
  }
}

// Decodes every "%XX" (either case) of `text` into its byte; other characters are kept.
// nullopt for a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text);

// RFC 3986 §2.3 unreserved characters (ALPHA DIGIT - . _ ~): what a path segment keeps as
// it is; `append_percent_encoded(out, segment, is_unreserved)` encodes every other byte.
constexpr bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace feedd::common
