// UTF-8 validation and decoding for the post readers. Strict (RFC 3629): no overlong forms,
// no surrogates, nothing past U+10FFFF. Pure functions on byte strings; thread-safe; they
// never throw and never read past the end of their input.
#pragma once

#include <cstddef>
#include <string_view>

namespace feedd::storage::utf8 {

inline constexpr std::size_t kValid = std::string_view::npos;

// Offset of the first byte that does not start a well-formed sequence, or kValid.
std::size_t find_invalid(std::string_view bytes);

inline bool is_valid(std::string_view bytes) { return find_invalid(bytes) == kValid; }

// Decodes the code point starting at `pos` and advances `pos` past it. On a malformed
// sequence returns U+FFFD and advances by one byte. Precondition: pos < bytes.size().
char32_t decode(std::string_view bytes, std::size_t& pos);

// Number of code points (malformed bytes count one each).
std::size_t count_code_points(std::string_view bytes);

}  // namespace feedd::storage::utf8
