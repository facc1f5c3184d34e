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

// HTTP's optional whitespace (RFC 9110 §5.6.3): space and horizontal tab only.
constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

// HTML's ASCII whitespace (WHATWG Infra): space, tab, LF, FF, CR.
constexpr bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_ows(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// `bytes` without a leading UTF-8 byte order mark (editors on Windows write one).
constexpr std::string_view without_byte_order_mark(std::string_view bytes) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (bytes.starts_with(kByteOrderMark)) {
    bytes.remove_prefix(kByteOrderMark.size());
  }
  return bytes;
}

// 1-based line number of byte `offset` in `bytes`.
int line_of_offset(std::string_view bytes, std::size_t offset);
// The 1-based column of `offset` in its line, in bytes.
std::size_t column_of_offset(std::string_view bytes, std::size_t offset);

// Which characters HTML escaping replaces by character references. Each set is a superset
// of the one before; callers keep the set their published bytes have always used.
enum class HtmlEscape {
  text,       // & < >: enough for element content (RSS descriptions)
  attribute,  // & < > ": also double-quoted attribute values (converted plain text)
  all,        // & < > " ': also single-quoted attribute values (the HTML pages)
};

// Appends `s` with the characters of `what` escaped (&amp; &lt; &gt; &quot; &#39;).
void append_html_escaped(std::string& out, std::string_view s,
                         HtmlEscape what = HtmlEscape::attribute);
std::string html_escape(std::string_view s, HtmlEscape what = HtmlEscape::attribute);

// `s` made safe for one line of a terminal or one cell of a tab-separated table: control
// characters (tab, newline, C1, U+2028 and U+2029 too) and bytes that are not UTF-8 written
// as \t, \n, \r or \xNN, a backslash as \\, the rest as is. A file name may hold any
// byte but '/' and NUL.
std::string printable(std::string_view s);

// The scheme of a URI reference ("https" of "https://b.example/", "javascript" of
// "javascript:x"), or "" when it has none: a relative reference (RFC 3986 §3.1, §4.2).
std::string_view uri_scheme(std::string_view reference);
// Whether `reference` may be a post's link: an http or https URL, or a relative reference.
// Another scheme (javascript:, data:) must never become an href.
bool is_http_or_relative(std::string_view reference);

// ASCII case-insensitive comparisons.
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);

// The file name of a '/' separated path without its last extension:
// "2025/012_ab12cd.txt" -> "012_ab12cd", "export/blog.mt.txt" -> "blog.mt".
std::string_view path_stem(std::string_view path);

}  // namespace feedd::common::text
