// Small text helpers shared by the post readers: splitting lines, trimming, HTML escaping,
// file stems. Pure functions on UTF-8 strings; thread-safe; never throw (except bad_alloc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace feedd::common::text {

// Splits at '\n'; a trailing '\r' is removed from each line. A final newline does not add
// an empty line. Views point into `bytes`.
std::vector<std::string_view> split_lines(std::string_view bytes);

// Removes ASCII whitespace and U+3000 (ideographic space) from both ends.
std::string_view trim(std::string_view s);

inline bool is_blank(std::string_view s) { return trim(s).empty(); }

// 1-based line number of byte `offset` in `bytes`.
int line_of_offset(std::string_view bytes, std::size_t offset);

// Appends `s` with & < > " escaped as HTML entities.
void append_html_escaped(std::string& out, std::string_view s);
std::string html_escape(std::string_view s);

// ASCII case-insensitive comparisons.
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);

// The file name of a '/' separated path without its last extension:
// "2025/012_ab12cd.txt" -> "012_ab12cd", "export/blog.mt.txt" -> "blog.mt".
std::string_view path_stem(std::string_view path);

}  // namespace feedd::common::text
