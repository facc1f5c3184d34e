// common::text: ASCII case folding touches letters only, and the three HTML escaping sets.
#include "common/text.h"

#include <boost/test/unit_test.hpp>

namespace feedd::common::text {
BOOST_AUTO_TEST_SUITE(text)

namespace {

// '@' (0x40) and '`' (0x60), '[' and '{', '^' and '~' differ only in bit 0x20, as 'A' and 'a'
// do; a fold by `c | 0x20` takes them for equal (router.cpp did).
BOOST_AUTO_TEST_CASE(iequals_folds_ascii_letters_and_nothing_else) {
  BOOST_TEST(iequals("Content-Type", "content-TYPE"));
  BOOST_TEST(!iequals("@", "`"));
  BOOST_TEST(!iequals("[", "{"));
  BOOST_TEST(!iequals("^", "~"));
  BOOST_TEST(!iequals("_", "\x7f"));
  BOOST_TEST(!iequals("\xC3\x84", "\xC3\xA4"));  // Ä, ä: ASCII only
  BOOST_TEST(!iequals("gzip", "gzip "));
  BOOST_TEST(istarts_with("X-GitHub-Event", "x-github-"));
  BOOST_TEST(!istarts_with("X@", "x`"));
  BOOST_TEST(!istarts_with("x", "xy"));
}

BOOST_AUTO_TEST_CASE(html_escape_replaces_the_set_asked_for) {
  const std::string_view s = "a&b<c>d\"e'f";
  BOOST_TEST(html_escape(s, HtmlEscape::text) == "a&amp;b&lt;c&gt;d\"e'f");
  BOOST_TEST(html_escape(s, HtmlEscape::attribute) == "a&amp;b&lt;c&gt;d&quot;e'f");
  BOOST_TEST(html_escape(s) == html_escape(s, HtmlEscape::attribute));
  BOOST_TEST(html_escape(s, HtmlEscape::all) == "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  std::string out = "<p>";
  append_html_escaped(out, "plain");
  BOOST_TEST(out == "<p>plain");
}

BOOST_AUTO_TEST_CASE(uri_scheme_is_found_only_where_rfc_3986_puts_it) {
  BOOST_TEST(uri_scheme("https://b.example/") == "https");
  BOOST_TEST(uri_scheme("javascript:alert(1)") == "javascript");
  BOOST_TEST(uri_scheme("svn+ssh://x") == "svn+ssh");
  for (const char* none : {"/a:b", "a.html?x=1:2", "./c:d", "1a:b", ":x", "", "a#b:c"}) {
    BOOST_TEST(uri_scheme(none).empty(), none);
  }
}

// A file name may hold any byte but '/' and NUL: printed, it must stay one line (one cell).
BOOST_AUTO_TEST_CASE(printable_escapes_controls_and_bytes_that_are_not_utf8) {
  BOOST_TEST(printable("2025/日本語 ok.md") == "2025/日本語 ok.md");
  BOOST_TEST(printable("a\nerror: forged.md") == "a\\nerror: forged.md");
  BOOST_TEST(printable("tab\tname\r") == "tab\\tname\\r");
  BOOST_TEST(printable(std::string_view("\x01\x1b[31m\x7f", 7)) == "\\x01\\x1b[31m\\x7f");
  BOOST_TEST(printable("bad\xff\xe6\x97.md") == "bad\\xff\\xe6\\x97.md");
  BOOST_TEST(printable("a\\nb") == "a\\\\nb");  // a backslash in the name itself
  BOOST_TEST(printable("nel\xc2\x85 sep\xe2\x80\xa8.md") == "nel\\xc2\\x85 sep\\xe2\\x80\\xa8.md");
  BOOST_TEST(printable("") == "");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::common::text
