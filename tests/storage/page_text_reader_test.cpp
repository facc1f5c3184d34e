// Page text (SPEC format 1): navigation, date forms, markers, headings, time zones, bad files.
#include "storage/page_text_reader.h"

#include <date/tz.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "storage/local_time.h"
#include "storage/post_reader.h"

#include "tests/support/reader_fixtures.h"
namespace feedd::storage {
namespace {

using testing::tokyo_options;
using testing::utc;

constexpr std::string_view kEnglishPage =
    "« 前の記事 | Top page | 次の記事 »\n"
    "\n"
    "2025.04.30\n"
    "\n"
    "[Eng] A walk by the river\n"
    "\n"
    "We walked along the river in the morning. It was quiet.\n"
    "\n"
    "Cherry trees\n"
    "The trees were already green, but a few petals were left.\n"
    "\n"
    "Two lines\n"
    "in one paragraph.\n"
    "\n"
    "Fish & <chips> \"here\"\n"
    "\n"
    "|\n"
    "\n"
    "« 前の記事 | Top page | 次の記事 »\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(page_text_reader)

BOOST_AUTO_TEST_CASE(reads_a_full_page) {
  const ReadResult r = read_page_text("2025/012_ab12cd.txt", kEnglishPage, tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_REQUIRE_EQUAL(r.posts.size(), 1u);
  const Post& p = r.posts[0];
  BOOST_TEST(p.key == "012_ab12cd");
  BOOST_TEST(p.position == 12);
  BOOST_TEST(p.source_path == "2025/012_ab12cd.txt");
  BOOST_TEST(p.source_line == 1);
  BOOST_TEST((p.format == SourceFormat::page_text));
  BOOST_TEST(p.title == "A walk by the river");
  BOOST_TEST(p.lang == "en");
  BOOST_TEST(p.previous_title == "前の記事");
  BOOST_TEST(p.next_title == "次の記事");
  BOOST_TEST(p.local_date == "2025-04-30");
  BOOST_TEST((p.published == utc("2025-04-29T15:00:00Z")));
  BOOST_TEST(p.content_html ==
             "<p>We walked along the river in the morning. It was quiet.</p>\n"
             "<h3>Cherry trees</h3>\n"
             "<p>The trees were already green, but a few petals were left.</p>\n"
             "<h3>Two lines</h3>\n"
             "<p>in one paragraph.</p>\n"
             "<p>Fish &amp; &lt;chips&gt; &quot;here&quot;</p>");
}

BOOST_AUTO_TEST_CASE(accepts_every_date_form) {
  for (std::string_view line :
       {"2025.04.30", "2025-04-30", "2025/04/30", "2025年4月30日", "2025年04月30日", "2025.4.30",
        "  2025.04.30  ", "2025年4月30日(水)", "2025年4月30日（水）"}) {
    const std::string file = std::string(line) + "\n\n日本語のタイトル\n\n本文です。\n";
    const ReadResult r = read_page_text("a.txt", file, tokyo_options());
    BOOST_TEST_CONTEXT("date line " << line) {
      BOOST_REQUIRE(r.problems.empty());
      BOOST_TEST(r.posts.at(0).local_date == "2025-04-30");
      BOOST_TEST(r.posts.at(0).lang == "ja");
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_impossible_and_missing_dates) {
  for (std::string_view file : {"2025.02.30\n\nTitle\n", "Title first\n2025.04.30\n",
                                "2025.4\n\nTitle\n", "20250430\nTitle\n"}) {
    const ReadResult r = read_page_text("a.txt", file, tokyo_options());
    BOOST_TEST_CONTEXT(file) {
      BOOST_TEST(r.posts.empty());
      BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
      BOOST_TEST(r.problems[0].line == 1);
      BOOST_TEST(r.problems[0].path == "a.txt");
    }
  }
  const ReadResult nav_only = read_page_text("b.txt", "« A | Top page\n\n|\n", tokyo_options());
  BOOST_REQUIRE_EQUAL(nav_only.problems.size(), 1u);
  BOOST_TEST(nav_only.problems[0].reason.find("no date line") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(truncated_after_the_date_has_no_title) {
  const ReadResult r = read_page_text("t.txt", "« A | Top page\n\n2025.04.30\n\n", tokyo_options());
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 3);
  BOOST_TEST(r.problems[0].to_string() == "t.txt:3: no title after the date line");
}

BOOST_AUTO_TEST_CASE(title_that_is_only_a_marker_is_a_problem) {
  const ReadResult r = read_page_text("t.txt", "2025.04.30\n[Eng]\nText.\n", tokyo_options());
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 2);
}

BOOST_AUTO_TEST_CASE(navigation_with_one_neighbour) {
  const ReadResult first =
      read_page_text("a.txt", "Top page | Next one »\n2025.04.30\nTitle\n", tokyo_options());
  BOOST_REQUIRE(first.problems.empty());
  BOOST_TEST(first.posts[0].previous_title.empty());
  BOOST_TEST(first.posts[0].next_title == "Next one");

  const ReadResult last = read_page_text(
      "a.txt", "2025.04.30\nTitle\n\nText\n\n|\n« [Eng] Before | Top page\n", tokyo_options());
  BOOST_REQUIRE(last.problems.empty());
  BOOST_TEST(last.posts[0].previous_title == "[Eng] Before");
  BOOST_TEST(last.posts[0].next_title.empty());
  BOOST_TEST(last.posts[0].content_html == "<p>Text</p>");
}

BOOST_AUTO_TEST_CASE(only_the_first_navigation_line_names_neighbours) {
  const ReadResult r = read_page_text(
      "a.txt", "« One | Top page | Two »\n2025.04.30\nT\n\n« Three | Top page | Four »\n",
      tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts[0].previous_title == "One");
  BOOST_TEST(r.posts[0].next_title == "Two");
}

BOOST_AUTO_TEST_CASE(headings_need_a_short_line_without_punctuation_and_more_lines) {
  const std::string forty(kHeadingMaxCodePoints, 'x');
  const std::string forty_one(kHeadingMaxCodePoints + 1, 'x');
  const std::string forty_kanji = [] {
    std::string s;
    for (std::size_t i = 0; i < kHeadingMaxCodePoints; ++i) {
      s += "漢";
    }
    return s;
  }();
  const std::string body = "2025.04.30\nTitle\n\n" + forty + "\nbody\n\n" + forty_one +
                           "\nbody\n\n" + forty_kanji +
                           "\nbody\n\nEnds here.\nbody\n\n"
                           "見出し：\n本文\n\n見出し\n本文\n\nAlone\n";
  const ReadResult r = read_page_text("a.txt", body, tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts[0].content_html ==
             "<h3>" + forty + "</h3>\n<p>body</p>\n" + "<p>" + forty_one + "<br>\nbody</p>\n" +
                 "<h3>" + forty_kanji + "</h3>\n<p>body</p>\n" + "<p>Ends here.<br>\nbody</p>\n" +
                 "<p>見出し：<br>\n本文</p>\n" + "<h3>見出し</h3>\n<p>本文</p>\n" + "<p>Alone</p>");
}

BOOST_AUTO_TEST_CASE(markers_longest_first_and_case_insensitive) {
  ReaderOptions options = tokyo_options();
  options.markers = {{"[E]", "xx"}, {"[Eng]", "en"}};
  const ReadResult r = read_page_text("a.txt", "2025.04.30\n[ENG]   Title  \n", options);
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts[0].title == "Title");
  BOOST_TEST(r.posts[0].lang == "en");
}

BOOST_AUTO_TEST_CASE(english_text_without_marker_is_detected) {
  const ReadResult r =
      read_page_text("a.txt", "2025.04.30\nA title\n\nSome English text.\n", tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts[0].lang == "en");
}

BOOST_AUTO_TEST_CASE(default_time_in_the_site_zone) {
  ReaderOptions options = tokyo_options();
  options.default_time = std::chrono::hours{23} + std::chrono::minutes{30};
  const ReadResult r = read_page_text("a.txt", "2025.04.30\nタイトル\n", options);
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST((r.posts[0].published == utc("2025-04-30T14:30:00Z")));
  BOOST_TEST(r.posts[0].local_date == "2025-04-30");
}

BOOST_AUTO_TEST_CASE(dst_change_days) {
  ReaderOptions options = tokyo_options();
  options.timezone = date::locate_zone("Europe/Berlin");
  // 2025-03-30: clocks go from 02:00 CET to 03:00 CEST; midnight is still CET (+01:00).
  ReadResult r = read_page_text("a.txt", "2025-03-30\nTitle\n", options);
  BOOST_TEST((r.posts.at(0).published == utc("2025-03-29T23:00:00Z")));
  BOOST_TEST(r.posts[0].local_date == "2025-03-30");
  // 2025-10-26: the day after the change, midnight is CET again; noon on the change day CET.
  options.default_time = std::chrono::hours{12};
  r = read_page_text("a.txt", "2025-10-26\nTitle\n", options);
  BOOST_TEST((r.posts.at(0).published == utc("2025-10-26T11:00:00Z")));

  options.timezone = date::locate_zone("America/New_York");
  options.default_time = std::chrono::hours{0};
  r = read_page_text("a.txt", "2025-03-09\nTitle\n", options);
  BOOST_TEST((r.posts.at(0).published == utc("2025-03-09T05:00:00Z")));
  // 02:30 does not exist on 2025-03-09 in New York: read with the offset before the gap.
  options.default_time = std::chrono::hours{2} + std::chrono::minutes{30};
  r = read_page_text("a.txt", "2025-03-09\nTitle\n", options);
  BOOST_TEST((r.posts.at(0).published == utc("2025-03-09T07:30:00Z")));
  BOOST_TEST(r.posts[0].local_date == "2025-03-09");
  // 01:30 happens twice on 2025-11-02: the earlier (EDT) instant.
  options.default_time = std::chrono::hours{1} + std::chrono::minutes{30};
  r = read_page_text("a.txt", "2025-11-02\nTitle\n", options);
  BOOST_TEST((r.posts.at(0).published == utc("2025-11-02T05:30:00Z")));
}

BOOST_AUTO_TEST_CASE(crlf_line_endings) {
  const ReadResult r =
      read_page_text("a.txt", "2025.04.30\r\n\r\nTitle\r\n\r\nHead\r\nText\r\n", tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts[0].title == "Title");
  BOOST_TEST(r.posts[0].content_html == "<h3>Head</h3>\n<p>Text</p>");
}

BOOST_AUTO_TEST_CASE(stem_without_number_has_position_zero) {
  const ReadResult r = read_page_text("x/hello.txt", "2025.04.30\nT\n", tokyo_options());
  BOOST_TEST(r.posts.at(0).key == "hello");
  BOOST_TEST(r.posts.at(0).position == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
