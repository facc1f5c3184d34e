// UTF-8 validation and decoding, through utfcpp. Strict (RFC 3629): no overlong forms,
// no surrogates, nothing past U+10FFFF. Pure functions on byte strings; thread-safe; they
// never throw and never read past the end of their input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace feedd::common::utf8 {

inline constexpr std::size_t kValid = std::string_view::npos;

// Offset of the first byte that does not start a well-formed sequence, or kValid.
std::size_t find_invalid(std::string_view bytes);

inline bool is_valid(std::string_view bytes) { return find_invalid(bytes) == kValid; }

// "invalid UTF-8 (byte 0xFF at column 5)" for the bad byte at `offset` of `bytes`; the
// column counts bytes from the start of offset's line. Precondition: offset < bytes.size().
std::string describe_invalid(std::string_view bytes, std::size_t offset);

// Length (1 to 4) of the well-formed sequence starting at `pos`, or 0 when the bytes there
// are malformed. Precondition: pos < bytes.size().
std::size_t valid_length(std::string_view bytes, std::size_t pos);

// The same, in the same single pass, also setting `cp` to the sequence's code point (left
// alone when malformed): for loops that need both. Precondition: pos < bytes.size().
std::size_t decode_valid(std::string_view bytes, std::size_t pos, char32_t& cp);

// Decodes the code point starting at `pos` and advances `pos` past it. On a malformed
// sequence returns U+FFFD and advances by one byte. Precondition: pos < bytes.size().
char32_t decode(std::string_view bytes, std::size_t& pos);

// Appends `cp` to `out` as UTF-8 (`cp` must be a Unicode scalar value).
void append(std::string& out, char32_t cp);

// Number of code points (malformed bytes count one each).
std::size_t count_code_points(std::string_view bytes);

}  // namespace feedd::common::utf8
