// Text forms of bytes: lowercase hex, and base64 (RFC 4648 §4, standard alphabet, padded).
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

}  // namespace feedd::common
