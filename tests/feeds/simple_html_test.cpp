// The plain scan of simple HTML (feeds/simple_html.h) against gumbo: every body it accepts
// must give exactly gumbo's facts (text, first paragraph, URL values and where they lie), and
// what would not parse as written it must refuse. Bodies: the Markdown converter's output for
// every Markdown file among the repository's sample posts, fixtures and fuzz seeds, and
// hand-written near misses.
#include "feeds/simple_html.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "feeds/html_facts.h"
#include "feeds/xml_text.h"
#include "storage/readers/markdown_reader.h"
#include "tests/support/test_support.h"

namespace feedd::feeds {
BOOST_AUTO_TEST_SUITE(simple_html)

namespace {

// The facts of `html` by the scan (nullopt when refused) and by gumbo.
std::optional<HtmlFacts> scanned(const std::string& html) {
  HtmlFacts facts;
  if (!read_simple_html(html, facts)) {
    return std::nullopt;
  }
  facts.finish();
  return facts;
}

HtmlFacts parsed(const std::string& html) {
  HtmlFacts facts;
  read_with_gumbo(html, facts);
  facts.finish();
  return facts;
}

auto key(const HtmlFacts& facts) {
  std::vector<std::tuple<std::size_t, std::size_t, bool, std::string>> urls;
  for (const auto& url : facts.urls) {
    urls.emplace_back(url.offset, url.length, url.srcset, url.value);
  }
  return std::tuple(facts.text_out, facts.first_paragraph, urls);
}

// True when the scan refuses `html` or agrees with gumbo on it; says where they differ.
bool agrees(const std::string& html, const std::string& what) {
  const auto fast = scanned(html);
  if (!fast) {
    return true;
  }
  const HtmlFacts slow = parsed(html);
  if (key(*fast) == key(slow)) {
    return true;
  }
  BOOST_ERROR(what << ": the scan and gumbo differ\n  html: " << html
                   << "\n  scan: " << fast->text_out << " | " << fast->first_paragraph
                   << "\n  gumbo: " << slow.text_out << " | " << slow.first_paragraph);
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_converters_output_reads_as_gumbo_reads_it) {
  std::size_t bodies = 0;
  std::size_t accepted = 0;
  for (const char* folder : {"etc/posts", "tests"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(feedd::testing::source_dir() / folder)) {
      const auto extension = entry.path().extension();
      if (!entry.is_regular_file() || (extension != ".md" && extension != ".markdown" &&
                                       entry.path().parent_path().filename() != "markdown")) {
        continue;
      }
      const std::string html =
          clean_xml_text(storage::markdown_to_html(feedd::testing::read_file(entry.path())));
      ++bodies;
      accepted += scanned(html) ? 1 : 0;
      agrees(html, entry.path().string());
    }
  }
  BOOST_TEST_MESSAGE(accepted << " of " << bodies << " converted bodies read by the scan");
  BOOST_TEST(bodies >= 20u);
  BOOST_TEST(accepted * 2 >= bodies);  // most of them: the fast path is taken
}

BOOST_AUTO_TEST_CASE(simple_bodies_are_accepted_and_agree) {
  const std::vector<std::string> simple = {
      "",
      "plain text &amp; more",
      "<p>One <em>two</em> <strong>three</strong> <code>a &lt; b</code></p>\n<p>Second</p>",
      "<h2>Title</h2>\n<p>See <a href=\"https://x.org/?a=1&amp;b=2\" title=\"t &quot;q&quot;\">"
      "this</a> and <img src=\"p.png\" alt=\"i\"> <img src=\"q.png\" alt=\"j\" /></p>",
      "<ul>\n<li>a</li>\n<li><p>b</p>\n<ol start=\"3\">\n<li>c</li>\n</ol>\n</li>\n</ul>",
      "<pre><code class=\"language-cpp\">int x = 1 &amp;&amp; 2;\n</code></pre>\n<p>after</p>",
      "<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n<p>x<br>\ny</p>",
      "<table>\n<thead>\n<tr>\n<th>a</th>\n<th align=\"left\">b</th>\n</tr>\n</thead>\n"
      "<tbody>\n<tr>\n<td>c</td>\n<td><del>d</del>e</td>\n</tr>\n</tbody>\n</table>",
      "<p>日本語の<strong>本文</strong>です。\xC2\xA0ok</p>",
      "<p><a href=\"a.html\"><img src=\"b.png\" alt=\"\"></a></p>",
      "<p>a\tb\r\nc  \n d</p>",                // the spaces the text collapses (FF goes to gumbo)
      "<p>\xC2\xA9 2025 \xC2\xBF</p>",         // C2 leads that are not U+00A0
      "<p>\xF0\x9F\x98\x80 \xEF\xBC\x81</p>",  // F0 and EF leads of allowed characters
  };
  for (const std::string& html : simple) {
    BOOST_TEST(scanned(html).has_value(), html);
    BOOST_TEST(agrees(html, "simple"));
  }
}

BOOST_AUTO_TEST_CASE(bodies_that_would_not_parse_as_written_are_refused) {
  const std::vector<std::string> refused = {
      "<p><ul><li>x</li></ul></p>",              // a block in <p> closes it
      "<p>a<p>b",                                // implied end tags
      "<p>a</p></p>",                            // a stray end tag makes an element
      "<em><p>x</p></em>",                       // a block in a formatting element
      "<a href=\"1\">x<a href=\"2\">y</a></a>",  // <a> in <a> closes the first
      "<a href=x>y</a>",                         // unquoted value
      "<a href='x'>y</a>",                       // single quotes
      "<img src=\"a\" src=\"b\">",               // a repeated attribute is dropped
      "<img src>",                               // no value
      "<b>x</b>",                                // not an element of the subset
      "<P>x</P>",                                // upper case
      "<p/>x",                                   // "/>" does not close a non-void element
      "<table>text</table>",                     // foster-parented text
      "<table><td>x</td></table>",               // implied tr
      "<ul>text<li>x</li></ul>",                 // text in a list
      "<li>x</li>",                              // a list item outside a list
      "<p>&copy; 2025</p>",                      // another character reference
      "<p>a & b</p>",                            // a bare ampersand
      "<p>a < b</p>",                            // a bare less-than
      "<!-- c --><p>x</p>",                      // a comment
      "<script>x</script>",                      // hidden content
      "<p>x",                                    // left open
      "<a href=\"a\nb\">x</a>",                  // a line break the parser keeps, a risk
      "<p>a\x7F b</p>",                          // DEL: gumbo makes it U+FFFD (found by fuzzing)
      "<p>\xC2\x85</p>",                         // a C1 control, likewise
      "<p>\xEF\xBF\xBF</p>",                     // a noncharacter, likewise
      "<p>\x01</p>",                             // a C0 control
      "<p>\xEF\xB7\x90</p>",                     // U+FDD0, a noncharacter
      "<p>\xF0\x9F\xBF\xBF</p>",                 // U+1FFFF, a plane's last
      "<",                                       // a tag cut off at the end, each way:
      "<p>x</p",                                 //   an end tag without its '>'
      "<p>x</",                                  //   just its "</"
      "<p>a &am",                                //   a reference's first bytes
      "<p>x<br /",                               //   a void tag's " /" without '>'
      "<p><a href=\"",                           //   an attribute's opening quote
  };
  for (const std::string& html : refused) {
    BOOST_TEST(!scanned(html).has_value(), html);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::feeds
