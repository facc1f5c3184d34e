#include "feeds/absolute_links.h"

#include <boost/test/unit_test.hpp>

using feedd::feeds::absolutize_links;
using feedd::feeds::resolve_url;

BOOST_AUTO_TEST_SUITE(absolute_links)

namespace {
constexpr const char* kBase = "https://blog.example.org/2025/04/post.html";
}

BOOST_AUTO_TEST_CASE(relative_references_resolve_against_the_post) {
  BOOST_TEST(resolve_url(kBase, "img/a.png") == "https://blog.example.org/2025/04/img/a.png");
  BOOST_TEST(resolve_url(kBase, "../x.html") == "https://blog.example.org/2025/x.html");
  BOOST_TEST(resolve_url(kBase, "/about") == "https://blog.example.org/about");
  BOOST_TEST(resolve_url(kBase, "//cdn.example.net/a.js") == "https://cdn.example.net/a.js");
  BOOST_TEST(resolve_url(kBase, "?page=2") == "https://blog.example.org/2025/04/post.html?page=2");
  BOOST_TEST(resolve_url(kBase, "#top") == "https://blog.example.org/2025/04/post.html#top");
  BOOST_TEST(resolve_url(kBase, "写真 1.jpg") ==
             "https://blog.example.org/2025/04/%E5%86%99%E7%9C%9F%201.jpg");
}

BOOST_AUTO_TEST_CASE(absolute_and_special_references_are_left_alone) {
  BOOST_TEST(resolve_url(kBase, "https://other.example/x") == "https://other.example/x");
  BOOST_TEST(resolve_url(kBase, "mailto:me@example.org") == "mailto:me@example.org");
  BOOST_TEST(resolve_url(kBase, "data:image/png;base64,AAAA") == "data:image/png;base64,AAAA");
  BOOST_TEST(resolve_url("not a url", "a.png") == "a.png");
  // An absolute reference comes back as written whatever the base (the base is not parsed);
  // with no usable base, nothing is encoded either.
  BOOST_TEST(resolve_url("not a url", "https://other.example/x") == "https://other.example/x");
  BOOST_TEST(resolve_url("", "HTTP://Other.example/a b") == "HTTP://Other.example/a b");
}

BOOST_AUTO_TEST_CASE(html_attributes_are_rewritten) {
  BOOST_TEST(absolutize_links(R"(<p>See <a href="next.html">next</a>.</p>)", kBase) ==
             R"(<p>See <a href="https://blog.example.org/2025/04/next.html">next</a>.</p>)");
  BOOST_TEST(absolutize_links("<img src='a.png' alt=x>", kBase) ==
             R"(<img src="https://blog.example.org/2025/04/a.png" alt=x>)");
  BOOST_TEST(absolutize_links("<IMG SRC=a.png/>", kBase) ==
             R"(<IMG SRC="https://blog.example.org/2025/04/a.png/">)");
  BOOST_TEST(absolutize_links(R"(<a href="q?a=1&amp;b=2">q</a>)", kBase) ==
             R"(<a href="https://blog.example.org/2025/04/q?a=1&amp;b=2">q</a>)");
  BOOST_TEST(absolutize_links(R"(<img srcset="a.png 1x, /b.png 2x" src="a.png">)", kBase) ==
             R"(<img srcset="https://blog.example.org/2025/04/a.png 1x, )"
             R"(https://blog.example.org/b.png 2x" src="https://blog.example.org/2025/04/a.png">)");
  // <object data>, the cells' and body's background of older HTML, a button's formaction.
  BOOST_TEST(absolutize_links(R"(<object data="movie.swf"></object>)", kBase) ==
             R"(<object data="https://blog.example.org/2025/04/movie.swf"></object>)");
  BOOST_TEST(absolutize_links("<table><tr><td background=bg.gif>x</td></tr></table>", kBase) ==
             R"(<table><tr><td background="https://blog.example.org/2025/04/bg.gif">x</td>)"
             "</tr></table>");
  BOOST_TEST(absolutize_links("<form><button formaction=go>b</button></form>", kBase) ==
             R"(<form><button formaction="https://blog.example.org/2025/04/go">b</button></form>)");
}

BOOST_AUTO_TEST_CASE(everything_else_is_copied_byte_for_byte) {
  const std::string html =
      "<p class=\"x\" data-n='1'>a &lt; b <!-- <a href=\"c\"> --> <a href=\"https://x.example/\" "
      "title=t>t</a> <a href=\"mailto:a@b\">m</a> 1 < 2 <br/> <input disabled></p>";
  BOOST_TEST(absolutize_links(html, kBase) == html);
}

BOOST_AUTO_TEST_CASE(only_real_attributes_are_rewritten) {
  // Script, style, textarea and comment text holds no tags; "<![CDATA[" outside SVG and
  // MathML is a bogus comment up to the first '>'.
  const std::string raw =
      "<script>var s = '<img src=\"a.png\">';</script><style>/* <a href=x> */</style>"
      "<textarea><a href=\"t.html\"></textarea><![CDATA[ <a href=\"c.html\">";
  BOOST_TEST(absolutize_links(raw, kBase) == raw);
  // "<!-->" is a whole (empty) comment, so the link after it is a link.
  BOOST_TEST(absolutize_links(R"(<!--><a href="x.html">x</a>-->)", kBase) ==
             R"(<!--><a href="https://blog.example.org/2025/04/x.html">x</a>-->)");
}

BOOST_AUTO_TEST_CASE(rewritten_values_are_spliced_where_the_parser_found_them) {
  // White space around '=', CR LF inside the tag, multi-byte text before: byte offsets hold.
  BOOST_TEST(absolutize_links("日本語<a\r\nhref = 'x.html'\r\ntitle=\"a > b\">y</a>", kBase) ==
             "日本語<a\r\nhref = \"https://blog.example.org/2025/04/x.html\"\r\n"
             "title=\"a > b\">y</a>");
  // An attribute whose value holds '>' and quotes is one attribute.
  BOOST_TEST(absolutize_links(R"(<img alt='"a" > b' src=p.png>)", kBase) ==
             R"(<img alt='"a" > b' src="https://blog.example.org/2025/04/p.png">)");
  // Values are decoded as browsers decode attributes: "&copy=" is no reference there.
  BOOST_TEST(
      absolutize_links(R"(<a href="?a=1&copy=2&amp;b=&lt;">q</a>)", kBase) ==
      R"(<a href="https://blog.example.org/2025/04/post.html?a=1&amp;copy=2&amp;b=%3C">q</a>)");
}

BOOST_AUTO_TEST_CASE(the_tree_builder_does_not_duplicate_or_invent_values) {
  // The adoption agency clones <a> into the <p>: one value in the source, one rewrite.
  BOOST_TEST(absolutize_links(R"(<a href="x.html">1<p>2</a>3)", kBase) ==
             R"(<a href="https://blog.example.org/2025/04/x.html">1<p>2</a>3)");
  // A repeated attribute is dropped by the tokenizer (the first one counts), a valueless one
  // has nothing to resolve, an end tag has no attributes.
  BOOST_TEST(
      absolutize_links(R"(<a href="a" href="b"><img src><img src=></a href="c">)", kBase) ==
      R"(<a href="https://blog.example.org/2025/04/a" href="b"><img src><img src=></a href="c">)");
  // SVG's xlink:href is a link too.
  BOOST_TEST(absolutize_links(R"(<svg><image xlink:href="i.png"/></svg>)", kBase) ==
             R"(<svg><image xlink:href="https://blog.example.org/2025/04/i.png"/></svg>)");
}

BOOST_AUTO_TEST_SUITE_END()
