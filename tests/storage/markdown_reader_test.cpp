// Markdown with YAML or TOML front matter (SPEC format 2): fields, dates, errors with lines.
#include "storage/readers/markdown_reader.h"

#include <date/tz.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "storage/readers/local_time.h"
#include "tests/support/reader_fixtures.h"
namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(markdown_reader)

namespace {

using testing::tokyo_options;
using testing::utc;

ReadResult read(std::string_view bytes, std::string_view path = "2025/hello-world.md") {
  return read_markdown(path, bytes, tokyo_options());
}

}  // namespace

// A post's url becomes the href of its links in every feed and on feedd's pages: only http,
// https or a path resolved against site.base_url.
BOOST_AUTO_TEST_CASE(a_url_of_another_scheme_is_a_problem) {
  auto with_url = [](std::string_view url) {
    return read("---\ntitle: T\ndate: 2025-04-30\nurl: " + std::string(url) + "\n---\nx\n");
  };
  for (const char* good : {"https://blog.example.org/a.html", "HTTP://b.example/", "/2025/a.html",
                           "a.html", "a.html?x=1:2", "//cdn.example/a"}) {
    const ReadResult r = with_url(good);
    BOOST_TEST(r.problems.empty(), good);
    BOOST_TEST_REQUIRE(r.posts.size() == 1u);
    BOOST_TEST(r.posts[0].url == good);
  }
  const ReadResult script = with_url("javascript:alert(1)");
  BOOST_TEST(script.posts.empty());
  BOOST_TEST_REQUIRE(script.problems.size() == 1u);
  BOOST_TEST(
      script.problems[0].to_string() ==
      "2025/hello-world.md:4: 'url' must be an http or https URL or a path, not javascript:");
  BOOST_TEST(with_url("data:text/html,x").problems.size() == 1u);
}

BOOST_AUTO_TEST_CASE(yaml_front_matter_with_every_field) {
  const ReadResult r = read(
      "---\n"
      "title: \"Hello, world\"\n"
      "date: 2025-04-30T23:30:00+09:00\n"
      "updated: 2025-05-01T08:00:00Z\n"
      "lang: en\n"
      "id: hello-2025\n"
      "slug: hello\n"
      "url: https://blog.example.org/hello.html\n"
      "translation_key: hello\n"
      "tags: [one, \"two words\"]\n"
      "categories:\n"
      "  - diary\n"
      "author: Someone\n"
      "summary: A short greeting.\n"
      "draft: false\n"
      "params:\n"
      "  ignored: yes\n"
      "---\n"
      "Some *text* with ~~strike~~ and https://example.org.\n"
      "\n"
      "| a | b |\n"
      "|---|---|\n"
      "| 1 | 2 |\n"
      "\n"
      "- [x] done\n");
  BOOST_REQUIRE(r.problems.empty());
  BOOST_REQUIRE_EQUAL(r.posts.size(), 1u);
  const Post& p = r.posts[0];
  BOOST_TEST(p.title == "Hello, world");
  BOOST_TEST((p.published == utc("2025-04-30T14:30:00Z")));
  BOOST_TEST(p.local_date == "2025-04-30");
  BOOST_REQUIRE(p.updated.has_value());
  BOOST_TEST((*p.updated == utc("2025-05-01T08:00:00Z")));
  BOOST_TEST(p.lang == "en");
  BOOST_TEST(p.key == "hello-2025");
  BOOST_TEST(p.slug == "hello");
  BOOST_TEST(p.url == "https://blog.example.org/hello.html");
  BOOST_TEST(p.translation_key == "hello");
  BOOST_TEST((p.tags == std::vector<std::string>{"one", "two words"}));
  BOOST_TEST((p.categories == std::vector<std::string>{"diary"}));
  BOOST_TEST(p.author == "Someone");
  BOOST_TEST(p.summary == "A short greeting.");
  BOOST_TEST(!p.draft);
  BOOST_TEST((p.format == SourceFormat::markdown));
  BOOST_TEST(p.content_html.find("<em>text</em>") != std::string::npos);
  BOOST_TEST(p.content_html.find("<del>strike</del>") != std::string::npos);
  BOOST_TEST(p.content_html.find("<a href=\"https://example.org\">") != std::string::npos);
  BOOST_TEST(p.content_html.find("<table>") != std::string::npos);
  BOOST_TEST(p.content_html.find("type=\"checkbox\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(toml_front_matter_with_native_dates) {
  const ReadResult r = read(
      "+++\n"
      "title = \"こんにちは\"\n"
      "date = 2025-04-30T23:30:00+09:00\n"
      "updated = 2025-05-01\n"
      "tags = [\"a\", \"b\"]\n"
      "draft = true\n"
      "[params]\n"
      "x = 1\n"
      "+++\n"
      "本文です。\n");
  BOOST_REQUIRE(r.problems.empty());
  const Post& p = r.posts.at(0);
  BOOST_TEST(p.title == "こんにちは");
  BOOST_TEST((p.published == utc("2025-04-30T14:30:00Z")));
  BOOST_TEST((*p.updated == utc("2025-04-30T15:00:00Z")));  // 2025-05-01 00:00 in Tokyo
  BOOST_TEST(p.draft);
  BOOST_TEST(p.lang == "ja");
  BOOST_TEST(p.key == "hello-world");
  BOOST_TEST(p.content_html == "<p>本文です。</p>");
}

BOOST_AUTO_TEST_CASE(toml_local_date_time_is_in_the_site_zone) {
  const ReadResult r = read("+++\ntitle = \"T\"\ndate = 2025-04-30T23:30:00\n+++\n");
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST((r.posts.at(0).published == utc("2025-04-30T14:30:00Z")));
}

BOOST_AUTO_TEST_CASE(date_forms) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"2025-04-30", "2025-04-29T15:00:00Z"},
      {"2025-04-30 23:30", "2025-04-30T14:30:00Z"},
      {"2025-04-30 23:30:15", "2025-04-30T14:30:15Z"},
      {"2025-04-30T14:30:00Z", "2025-04-30T14:30:00Z"},
      {"2025-04-30T14:30:00.123Z", "2025-04-30T14:30:00Z"},
      {"2025-04-30T10:30:00-04:00", "2025-04-30T14:30:00Z"},
      {"\"2025-04-30\"", "2025-04-29T15:00:00Z"},
  };
  for (const auto& [date_text, expected] : cases) {
    const ReadResult r = read("---\ntitle: T\ndate: " + std::string(date_text) + "\n---\n");
    BOOST_TEST_CONTEXT(date_text) {
      BOOST_REQUIRE(r.problems.empty());
      BOOST_TEST((r.posts.at(0).published == utc(expected)));
    }
  }
}

BOOST_AUTO_TEST_CASE(missing_title_or_date_points_at_the_front_matter) {
  ReadResult r = read("---\ndate: 2025-04-30\n---\nText\n");
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].to_string() == "2025/hello-world.md:1: front matter has no title");

  r = read("+++\ntitle = \"T\"\n+++\nText\n");
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 1);
  BOOST_TEST(r.problems[0].reason == "front matter has no date");

  r = read("---\n---\n");
  BOOST_TEST(r.problems.size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_values_point_at_their_line) {
  ReadResult r = read("---\ntitle: T\n\ndate: yesterday\n---\n");
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 4);
  r = read("---\ntitle: T\ndate: 2025-02-30\n---\n");
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 3);
  r = read("---\ntitle: T\ndate: 2025-04-30\ndraft: maybe\n---\n");
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 4);
  r = read("---\ntitle: [a, b]\ndate: 2025-04-30\n---\n");
  BOOST_TEST(r.posts.empty());
  BOOST_TEST(r.problems.at(0).line == 2);
}

BOOST_AUTO_TEST_CASE(yaml_syntax_error_carries_the_file_line) {
  const ReadResult r = read("---\ntitle: T\ndate: 2025-04-30\ntags: [a, b\nx: 1\n---\n");
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line >= 4);
  BOOST_TEST(r.problems[0].line <= 6);
  BOOST_TEST(r.problems[0].reason.starts_with("YAML front matter: "));
}

BOOST_AUTO_TEST_CASE(yaml_that_is_not_a_mapping) {
  const ReadResult r = read("---\n- a\n- b\n---\n");
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 2);
}

BOOST_AUTO_TEST_CASE(yaml_features_real_blogs_use) {
  const ReadResult r = read(
      "---\n"
      "title: &t \"Say \\\"hi\\\"\\tto caf\\u00e9\"\n"
      "date: 2025-04-30\n"
      "tags: &tags [日本語, 'it''s', \"two words\"]\n"
      "categories: *tags\n"
      "slug: *t\n"
      "author: ~\n"
      "summary: >\n"
      "  folded\n"
      "  lines\n"
      "translation_key: |\n"
      "  literal\n"
      "  lines\n"
      "defaults: &d {id: merged}\n"
      "<<: *d\n"
      "draft: no\n"
      "---\n"
      "Text\n");
  BOOST_REQUIRE(r.problems.empty());
  const Post& p = r.posts.at(0);
  BOOST_TEST(p.title == "Say \"hi\"\tto caf\u00e9");
  BOOST_TEST(p.slug == p.title);
  const std::vector<std::string> tags{"日本語", "it's", "two words"};
  BOOST_TEST(p.tags == tags, boost::test_tools::per_element());
  BOOST_TEST(p.categories == tags, boost::test_tools::per_element());
  BOOST_TEST(p.author.empty());  // null is no value
  BOOST_TEST(p.summary == "folded lines");
  BOOST_TEST(p.translation_key == "literal\nlines\n");
  BOOST_TEST(p.key == "hello-world");  // merge keys are not applied (as with yaml-cpp)
  BOOST_TEST(!p.draft);

  const ReadResult block = read(
      "---\ntitle: T\ndate: 2025-04-30\ntags:\n- a\n- ~\n-\n- [nested]\n- b\n"
      "categories:\n  - \"x\"\n---\n");
  BOOST_REQUIRE(block.problems.empty());
  BOOST_TEST((block.posts.at(0).tags == std::vector<std::string>{"a", "b"}));
  BOOST_TEST((block.posts.at(0).categories == std::vector<std::string>{"x"}));
}

BOOST_AUTO_TEST_CASE(control_characters_in_yaml_are_content) {
  // libyaml refuses them; yaml-cpp read them, and every format accepts them (README).
  const ReadResult r = read("---\ntitle: a\x01b \xC2\x85 c\x7F\ndate: 2025-04-30\n---\n");
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts.at(0).title == "a\x01b \xC2\x85 c\x7F");
}

BOOST_AUTO_TEST_CASE(yaml_problems_carry_their_line) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"title: T\ndate: 2025-04-30\ntitle: U\n",
       "2025/hello-world.md:4: YAML front matter: key 'title' given twice (first at line 2)"},
      {"title: T\n\tdate: 2025-04-30\n",
       "2025/hello-world.md:3: YAML front matter: found a tab character that violates "
       "indentation while scanning a plain scalar begun at line 2"},
      {"\ttitle: T\ndate: 2025-04-30\n",
       "2025/hello-world.md:2: YAML front matter: found character that cannot start any token "
       "while scanning for the next token"},
      {"title: \"T\ndate: 2025-04-30\n",
       "2025/hello-world.md:4: YAML front matter: found unexpected end of stream while scanning "
       "a quoted scalar begun at line 2"},
      {"title: T\ndate: 2025-04-30\ntags: [a, b\nlang: en\n",
       "2025/hello-world.md:5: YAML front matter: did not find expected ',' or ']' while parsing "
       "a flow sequence begun at line 4"},
      {"title: T\n  date: 2025-04-30\n",
       "2025/hello-world.md:3: YAML front matter: mapping values are not allowed in this context"},
      {"title: *nowhere\n",
       "2025/hello-world.md:2: YAML front matter: alias '*nowhere' has no anchor"},
  };
  for (const auto& [front, expected] : cases) {
    BOOST_TEST_CONTEXT(front) {
      const ReadResult r = read("---\n" + std::string(front) + "---\nText\n");
      BOOST_TEST(r.posts.empty());
      BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
      BOOST_TEST(r.problems[0].to_string() == expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(toml_syntax_error_carries_the_file_line) {
  const ReadResult r = read("+++\ntitle = \"T\"\ndate = 2025-04-30\nbroken = = 1\n+++\n");
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 4);
  BOOST_TEST(r.problems[0].reason.starts_with("TOML front matter: "));
}

BOOST_AUTO_TEST_CASE(unclosed_front_matter) {
  const ReadResult r = read("---\ntitle: T\ndate: 2025-04-30\n");
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 1);
}

BOOST_AUTO_TEST_CASE(title_marker_and_script_language) {
  ReadResult r = read("---\ntitle: \"[Eng] Marked\"\ndate: 2025-04-30\n---\n日本語\n");
  BOOST_TEST(r.posts.at(0).title == "Marked");
  BOOST_TEST(r.posts.at(0).lang == "en");
  r = read("---\ntitle: \"[Eng] Marked\"\ndate: 2025-04-30\nlang: ja\n---\n");
  BOOST_TEST(r.posts.at(0).title == "Marked");
  BOOST_TEST(r.posts.at(0).lang == "ja");
  r = read("---\ntitle: Plain English\ndate: 2025-04-30\n---\nWords only.\n");
  BOOST_TEST(r.posts.at(0).lang == "en");
}

BOOST_AUTO_TEST_CASE(relative_links_are_kept) {
  const ReadResult r =
      read("---\ntitle: T\ndate: 2025-04-30\n---\n[next](other.html) ![](images/x.png)\n");
  BOOST_TEST(r.posts.at(0).content_html ==
             "<p><a href=\"other.html\">next</a> <img src=\"images/x.png\" alt=\"\"></p>");
}

// HTML5 reads &#128;-&#159; as the Windows-1252 characters of those bytes (an old blog's
// "&#150;" is an en dash), not as C1 controls, which feed readers show as nothing.
BOOST_AUTO_TEST_CASE(references_to_c1_controls_are_windows_1252_characters) {
  auto body = [](std::string_view markdown) {
    return read("---\ntitle: T\ndate: 2025-04-30\n---\n" + std::string(markdown) + "\n")
        .posts.at(0)
        .content_html;
  };
  BOOST_TEST(body("1990&#150;1999 &#x93;quoted&#X94; &#128;5 &#0153;") ==
             "<p>1990\u20131999 \u201Cquoted\u201D \u20AC5 \u2122</p>");
  BOOST_TEST(body("*&#151;*") == "<p><em>\u2014</em></p>");
  // The five bytes Windows-1252 leaves undefined stay what HTML5 makes them: the control.
  BOOST_TEST(body("a&#129;b") == "<p>a\u0081b</p>");
  // Code is text, not references; raw HTML goes out as written, for the reader's parser.
  BOOST_TEST(body("`&#150;`") == "<p><code>&amp;#150;</code></p>");
  BOOST_TEST(body("<div>\n&#150;\n</div>") == "<div>\n&#150;\n</div>");
  // A C1 control written as a character stays as written (HTML5 maps only references),
  // also where md4c writes it as a chunk of its own: in code, raw HTML, between spans.
  BOOST_TEST(body("`\u0096` *a*\u0096*b*") ==
             "<p><code>\u0096</code> <em>a</em>\u0096<em>b</em></p>");
  BOOST_TEST(body("<div>\n\u0096\n</div>") == "<div>\n\u0096\n</div>");
  // Other references are decoded as before.
  BOOST_TEST(body("&#233;&amp;&hellip;&#160;") == "<p>\u00E9&amp;\u2026\u00A0</p>");
}

BOOST_AUTO_TEST_CASE(tags_as_a_comma_separated_string) {
  const ReadResult r = read("---\ntitle: T\ndate: 2025-04-30\ntags: a, b ,c\n---\n");
  BOOST_TEST((r.posts.at(0).tags == std::vector<std::string>{"a", "b", "c"}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
