// HtmlDocument: one HTML5 parse (gumbo) per post body, as browsers parse it. Cases in the
// spirit of html5lib's tokenizer and tree-construction tests, reduced to what the feeds
// read from the tree: the text, the first paragraph and where URL values lie.
#include "feeds/html_document.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "feeds/html_parse_bound.h"

namespace feedd::feeds {
BOOST_AUTO_TEST_SUITE(html_document)

namespace {

struct TextCase {
  std::string html;
  std::string text;
};

std::string repeat(const std::string& unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    out += unit;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(text_as_the_tokenizer_and_tree_builder_give_it) {
  const std::vector<TextCase> cases = {
      // tokenizer: character references in data and RCDATA
      {"&lt;&gt;&amp;&quot;&apos;", "<>&\"'"},
      {"&ampx; &AMP; &Amp;", "&x; & &Amp;"},
      {"<title>&amp;<b></title>", "&<b>"},
      {"<textarea>&lt;/textarea&gt;</textarea>", "</textarea>"},
      // tokenizer: raw text, script data, plaintext, comments, bogus comments
      {"<style><!-- </style>x", "x"},
      {"<script>a</script >b", "b"},
      {"<plaintext></plaintext><p>", "</plaintext><p>"},
      {"a<!-- b --!>c", "ac"},
      {"a<!--->b-->c", "ab-->c"},
      {"a<?php echo 1; ?>b", "ab"},
      {"a</ b>c", "ac"},
      {"a< b", "a< b"},
      {"a<3 b", "a<3 b"},
      // tree construction: misnesting, implied end tags, foreign content
      {"<b>1<i>2</b>3</i>4", "1234"},
      {"<a>1<a>2</a>3", "123"},
      {"<ul><li>one<li>two</ul>", "one two"},
      {"<table><tr><td>a<td>b</table>c", "a b c"},
      {"<svg><![CDATA[x<y]]><desc>d</desc></svg>", "x<y d"},
      {"<math><mi>x</mi><mo>=</mo><mn>1</mn></math>", "x = 1"},
      {"<ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby>字", "漢字"},
      {"a<br/>b<br>c</br>d", "a b c d"},
      {"<iframe><p>fallback</p></iframe>x", "x"},
      {"  \n\t<p>\u00A0 spaced \r\n out\f</p>  ", "spaced out"},
  };
  for (const TextCase& c : cases) {
    BOOST_TEST(HtmlDocument(c.html).text() == c.text, "html: " << c.html);
  }
}

BOOST_AUTO_TEST_CASE(first_paragraph_is_the_first_p_element_with_text) {
  BOOST_TEST(HtmlDocument("<h1>T</h1><p> </p><p>Two <em>words</em></p>").first_paragraph_text() ==
             "Two words");
  BOOST_TEST(HtmlDocument("<pre>code</pre><param>x").first_paragraph_text() == "code x");
  BOOST_TEST(HtmlDocument("<svg><p>html p breaks out</p></svg>").first_paragraph_text() ==
             "html p breaks out");
  BOOST_TEST(HtmlDocument("<p><script>hidden</script></p>none").first_paragraph_text() == "none");
}

BOOST_AUTO_TEST_CASE(url_attributes_point_into_the_source) {
  const HtmlDocument document(
      "<p id=x>日本<a href='a.html' title=t>a</a><img src=\"b&amp;c.png\" "
      "srcset=\"s.png 2x\" alt=\"<a href=no>\"><video poster=v.jpg></video>");
  const auto& urls = document.url_attributes();
  BOOST_TEST_REQUIRE(urls.size() == 4u);
  const std::string& source = document.source();
  BOOST_TEST(source.substr(urls[0].offset, urls[0].length) == "'a.html'");
  BOOST_TEST(urls[0].value == "a.html");
  BOOST_TEST(source.substr(urls[1].offset, urls[1].length) == "\"b&amp;c.png\"");
  BOOST_TEST(urls[1].value == "b&c.png");
  BOOST_TEST(urls[2].srcset);
  BOOST_TEST(urls[2].value == "s.png 2x");
  BOOST_TEST(source.substr(urls[3].offset, urls[3].length) == "v.jpg");
  BOOST_TEST(document.unparsed_reason().empty());
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_in_linear_time_not_parsed_for_hours) {
  // 40,000 unclosed <div>s: gumbo's tree builder would spend seconds on them.
  const HtmlDocument divs(repeat("<div>", 40'000) + "<p>text</p>");
  BOOST_TEST(divs.unparsed_reason() == "nested too deeply");
  BOOST_TEST(divs.text().empty());
  BOOST_TEST(divs.url_attributes().empty());
  // Formatting elements the tree builder keeps reopening count too.
  std::string reopened;
  for (int i = 0; i < 5000; ++i) {
    reopened += "<font><b id=" + std::to_string(i) + ">x</font>";
  }
  BOOST_TEST(nesting_work(reopened) > kMaxNestingWork);
  BOOST_TEST(nesting_work(repeat("<div><table></div>", 4000)) > kMaxNestingWork);
}

// gumbo's tokenizer compares each attribute with the tag's earlier ones: 100,000 attributes
// on one tag (1 MB) took it 17 s, and the plain scan likewise.
BOOST_AUTO_TEST_CASE(a_tag_with_very_many_attributes_is_refused_in_linear_time) {
  std::string attributes;
  for (int i = 0; i < 100'000; ++i) {
    attributes += " a" + std::to_string(i) + "=\"x\"";
  }
  const HtmlDocument simple("<p" + attributes + ">x</p>");
  BOOST_TEST(simple.unparsed_reason() == "with too many attributes on one tag");
  BOOST_TEST(simple.text().empty());
  // Quoted values may hold '<' and '>', unquoted ones '<': the tag goes on.
  std::string mixed = "<p title='<b>'";
  for (int i = 0; i < 5000; ++i) {
    mixed += " b" + std::to_string(i) + (i % 100 == 0 ? "=\"<i a b c>\"" : "=v<w");
  }
  BOOST_TEST(attribute_work(mixed + ">x</p>") > kMaxAttributeWork);
  // Also on an end tag, which the tokenizer reads the same way.
  BOOST_TEST(attribute_work("<p>x</p" + mixed.substr(2) + ">") > kMaxAttributeWork);
  // Comments and raw text hold no tags.
  const std::string many = "<p" + attributes.substr(0, 100'000) + ">";
  BOOST_TEST(attribute_work(many) > 0u);
  BOOST_TEST(attribute_work("<!-- " + many + " -->") == 0u);
  BOOST_TEST(attribute_work("<!-->" + many) > 0u);  // an empty comment
  BOOST_TEST(attribute_work("<script>" + many + "</script>") == 0u);
  BOOST_TEST(attribute_work("<STYLE>x</style >" + many) > 0u);
  BOOST_TEST(attribute_work("<textarea>" + many) == 0u);
  // Unless the element's place makes its text tags (review of c97c762: each of these took
  // gumbo 8 to 38 s with 50,000 to 100,000 attributes): noscript (gumbo parses with
  // scripting off), foreign content, a select's content.
  BOOST_TEST(attribute_work("<div><noscript>" + many) > kMaxAttributeWork);
  BOOST_TEST(attribute_work("<svg><style>" + many) > kMaxAttributeWork);
  BOOST_TEST(attribute_work("<select><style>" + many) > kMaxAttributeWork);
  BOOST_TEST(attribute_work("<svg><plaintext>" + many) > kMaxAttributeWork);
  BOOST_TEST(attribute_work("<math></math><script>" + many + "</script>") > kMaxAttributeWork);
  // Comments end at "-->" or "--!>", each found in one forward pass: a search for each from
  // every comment's start read the rest of the body once per comment (review of c97c762:
  // 16 s for 40,000 comments).
  BOOST_TEST(attribute_work(repeat("<!-- a --!>", 200'000) + many) > kMaxAttributeWork);
  BOOST_TEST(attribute_work(repeat("<!-- a -->", 200'000) + many) > kMaxAttributeWork);
  BOOST_TEST(attribute_work("<!-- a -- b --!> " + many + " <!-- c -->") > kMaxAttributeWork);
  BOOST_TEST(attribute_work("<!--->" + many) > kMaxAttributeWork);
  // Real tags have a few, and links with long quoted values are no work at all.
  const HtmlDocument links(
      repeat("<a href=\"x.html\" title=\"a b c d e f\" class=c>x</a> ", 20'000));
  BOOST_TEST(links.unparsed_reason().empty());
  BOOST_TEST(links.url_attributes().size() == 20'000u);
}

BOOST_AUTO_TEST_CASE(long_but_shallow_bodies_are_parsed) {
  // Old exports: unclosed paragraphs and list items, misnested font and b, 100,000 tags.
  const std::string sloppy = repeat("<p>para <li>item <font><b>x</font></b> <br>", 25'000);
  BOOST_TEST(nesting_work(sloppy) == 0u);
  const HtmlDocument document(sloppy + "<a href=z.html>end</a>");
  BOOST_TEST(document.unparsed_reason().empty());
  BOOST_TEST(document.first_paragraph_text() == "para");  // <li> closes the <p>
  BOOST_TEST(document.url_attributes().size() == 1u);
  // Nesting a browser renders fine (500 levels) is no problem either.
  const HtmlDocument nested(repeat("<div><span>", 500) + "deep");
  BOOST_TEST(nested.unparsed_reason().empty());
  BOOST_TEST(nested.text() == "deep");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::feeds
