#include "feeds/summary.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "feeds/html_document.h"

using feedd::feeds::cut_text;
using feedd::feeds::make_summary;
using feedd::storage::Post;

namespace {

std::size_t code_point_count(const std::string& text) {
  std::size_t count = 0;
  for (char c : text) {
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

std::string repeat(const std::string& unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += unit;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(summary)

BOOST_AUTO_TEST_CASE(short_text_is_kept_whole) {
  BOOST_TEST(cut_text("A short sentence.", 300) == "A short sentence.");
  BOOST_TEST(cut_text("短い文です。", 6) == "短い文です。");
}

BOOST_AUTO_TEST_CASE(english_is_cut_at_a_word_boundary) {
  BOOST_TEST(cut_text("The quick brown fox jumps", 12) == "The quick…");
  BOOST_TEST(cut_text("The quick brown fox jumps", 11) == "The quick…");
  BOOST_TEST(cut_text("The quick brown fox jumps", 10) == "The quick…");
  const std::string long_text = repeat("word ", 100);  // 500 characters
  const std::string cut = cut_text(long_text, 300);
  BOOST_TEST(code_point_count(cut) <= 300u);
  BOOST_TEST(cut.ends_with("word…"));
}

BOOST_AUTO_TEST_CASE(a_single_long_word_is_cut_at_a_character) {
  BOOST_TEST(cut_text("abcdefghijklmnop", 6) == "abcde…");
}

BOOST_AUTO_TEST_CASE(japanese_is_cut_at_a_character_boundary) {
  BOOST_TEST(cut_text("吾輩は猫である。名前はまだ無い。", 8) == "吾輩は猫である…");
  const std::string long_text = repeat("あいうえお", 100);  // 500 characters, 1500 bytes
  const std::string cut = cut_text(long_text, 300);
  BOOST_TEST(code_point_count(cut) == 300u);
  BOOST_TEST(cut == repeat("あいうえお", 59) + "あいうえ…");
}

BOOST_AUTO_TEST_CASE(mixed_text_never_splits_a_utf8_sequence) {
  const std::string text = "日本語と English の混ざった文章です。" + std::string(400, 'x');
  for (std::size_t max = 1; max < 60; ++max) {
    const std::string cut = cut_text(text, max);
    BOOST_TEST(code_point_count(cut) <= max);
    BOOST_TEST(feedd::feeds::HtmlDocument(cut).text() == cut);  // still well-formed
  }
}

BOOST_AUTO_TEST_CASE(summary_comes_from_the_first_paragraph) {
  Post post;
  post.content_html =
      "<h3>Heading</h3>\n<p>First <em>para</em>graph &amp; more\n text.</p><p>Second.</p>";
  BOOST_TEST(make_summary(post) == "First paragraph & more text.");
  post.content_html = "<p>  </p><p>Real&nbsp;one<br>next line</p>";
  BOOST_TEST(make_summary(post) == "Real one next line");
  post.content_html = "<ul><li>no</li><li>paragraphs</li></ul>";
  BOOST_TEST(make_summary(post) == "no paragraphs");
  post.content_html = "<p><ruby>漢字<rt>かんじ</rt></ruby>の読み</p>";
  BOOST_TEST(make_summary(post) == "漢字の読み");
}

BOOST_AUTO_TEST_CASE(author_summary_wins_and_is_cleaned) {
  Post post;
  post.content_html = "<p>Body.</p>";
  post.summary = "Given\x01 by\n the   author.";
  BOOST_TEST(make_summary(post) == "Given by the author.");
}

BOOST_AUTO_TEST_CASE(long_first_paragraph_is_cut_to_300_characters) {
  Post post;
  post.content_html = "<p>" + repeat("これは長い段落です。", 40) + "</p>";
  const std::string summary = make_summary(post);
  BOOST_TEST(code_point_count(summary) == 300u);
  BOOST_TEST(summary.ends_with("…"));
}

BOOST_AUTO_TEST_SUITE_END()

// Misparses of the hand-written scanner this replaced: post HTML is parsed as browsers do.
BOOST_AUTO_TEST_SUITE(summary_parses_html_as_browsers_do)

std::string summary_of(const std::string& html) {
  Post post;
  post.content_html = html;
  return make_summary(post);
}

BOOST_AUTO_TEST_CASE(a_greater_than_sign_in_an_attribute_ends_no_tag) {
  BOOST_TEST(summary_of(R"(<p><img alt="a > b" src="x.png">Caption</p>)") == "Caption");
  BOOST_TEST(summary_of(R"(<p title='say "hi" > now'>Text</p>)") == "Text");
}

BOOST_AUTO_TEST_CASE(every_named_reference_is_decoded) {
  BOOST_TEST(summary_of("<p>&hellip; caf&eacute; &Eacute;t&eacute; &nbsp;x&nbsp;&nbsp;y</p>") ==
             "… café Été x y");
  BOOST_TEST(summary_of("<p>&amp;amp; &notin; &NotNestedGreaterGreater; &zwj;</p>") ==
             "&amp; ∉ \u2AA2\u0338 \u200D");
}

BOOST_AUTO_TEST_CASE(references_are_decoded_as_browsers_do) {
  // Legacy names without ';' in text, longest prefix match, Windows-1252 for C1 numbers,
  // U+FFFD for NUL, surrogates and numbers past U+10FFFF, unknown names kept as written.
  BOOST_TEST(summary_of("<p>&copy 2009 &notit; &amp</p>") == "© 2009 ¬it; &");
  BOOST_TEST(summary_of("<p>&#x80;&#150;&#0;&#xD800;&#x110000;&#128512;&#x1F600;</p>") ==
             "€–\uFFFD\uFFFD\uFFFD😀😀");
  BOOST_TEST(summary_of("<p>&bogus; &#xZ; &# a&b</p>") == "&bogus; &#xZ; &# a&b");
}

BOOST_AUTO_TEST_CASE(script_and_style_are_raw_text) {
  BOOST_TEST(summary_of(R"(<p>A<script>document.write("</p><p>")</script>B</p>)") == "A B");
  BOOST_TEST(summary_of(R"(<style>p::before { content: "<p>Style" }</style><p>Real</p>)") ==
             "Real");
  // The script data escape states: "<!--<script>" hides the next "</script>".
  BOOST_TEST(summary_of("<p>A<script><!--<script></script>B--></script>C</p>") == "A C");
}

BOOST_AUTO_TEST_CASE(a_paragraph_inside_a_comment_is_no_paragraph) {
  BOOST_TEST(summary_of("<!-- <p>Hidden</p> --><p>Shown</p>") == "Shown");
  BOOST_TEST(summary_of("<!--> <p>Shown</p> -->") == "Shown");  // "<!-->" is a whole comment
}

BOOST_AUTO_TEST_CASE(template_and_textarea_content) {
  BOOST_TEST(summary_of("<p>A<template><p>inert</p></template>B</p>") == "A B");
  BOOST_TEST(summary_of("<p>Type <textarea>a <b> c</textarea></p>") == "Type a <b> c");
  BOOST_TEST(summary_of("<xmp><p>x</xmp>") == "<p>x");
}

BOOST_AUTO_TEST_CASE(unclosed_and_implicitly_closed_paragraphs) {
  BOOST_TEST(summary_of("<p>One<p>Two") == "One");
  BOOST_TEST(summary_of("<p>Before<div>block</div>after</p>") == "Before");
  BOOST_TEST(summary_of("<P CLASS=x>Upper<p>case") == "Upper");
}

BOOST_AUTO_TEST_CASE(japanese_summary_is_cut_on_a_code_point) {
  const std::string html = "<p>" + repeat("吾輩は&nbsp;猫である。", 40) + "</p>";
  const std::string summary = summary_of(html);
  BOOST_TEST(code_point_count(summary) <= 300u);
  BOOST_TEST(summary.ends_with("…"));
  BOOST_TEST(summary.starts_with("吾輩は 猫である。吾輩は 猫"));
  BOOST_TEST(feedd::feeds::HtmlDocument(summary).text() == summary);  // no split sequence
}

BOOST_AUTO_TEST_SUITE_END()
