// Page text (SPEC format 1): navigation, date forms, markers, headings, time zones, bad files.
#include "storage/readers/page_text_reader.h"

#include <date/tz.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "common/utf8.h"
#include "storage/readers/local_time.h"
#include "storage/readers/post_reader.h"
#include "tests/support/reader_fixtures.h"
namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(page_text_reader)

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
             "<p>Two lines<br>\nin one paragraph.</p>\n"
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

// A blog's only post has no neighbour: its navigation line is the top page's link alone, at
// the top and again at the bottom, as every navigation line is.
BOOST_AUTO_TEST_CASE(navigation_with_no_neighbour) {
  const ReadResult only = read_page_text(
      "a.txt", "Top page\n\n2025.04.30\n\n[Eng] The only post\n\nText.\n\n|\n\nTop page\n",
      tokyo_options());
  BOOST_REQUIRE(only.problems.empty());
  BOOST_REQUIRE_EQUAL(only.posts.size(), 1u);
  BOOST_TEST(only.posts[0].title == "The only post");
  BOOST_TEST(only.posts[0].content_html == "<p>Text.</p>");
  BOOST_TEST(only.posts[0].previous_title.empty());
  BOOST_TEST(only.posts[0].next_title.empty());
  // Only a line repeated last is taken so: a first line that is not is still no date line.
  const ReadResult other =
      read_page_text("a.txt", "Top page\n\n2025.04.30\n\nTitle\n\nText.\n", tokyo_options());
  BOOST_TEST(other.posts.empty());
  BOOST_REQUIRE_EQUAL(other.problems.size(), 1u);
  BOOST_TEST(other.problems[0].reason.find("expected a date line") != std::string::npos);
  // A text that ends with its own first line, a date, is no such navigation line.
  const ReadResult dated =
      read_page_text("a.txt", "2025.04.30\n\nTitle\n\n2025.04.30\n", tokyo_options());
  BOOST_REQUIRE(dated.problems.empty());
  BOOST_TEST(dated.posts[0].content_html == "<p>2025.04.30</p>");
}

BOOST_AUTO_TEST_CASE(only_the_first_navigation_line_names_neighbours) {
  const ReadResult r = read_page_text(
      "a.txt", "« One | Top page | Two »\n2025.04.30\nT\n\n« Three | Top page | Four »\n",
      tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts[0].previous_title == "One");
  BOOST_TEST(r.posts[0].next_title == "Two");
}

// SPEC: a heading is decided by the block's shape, not by a fixed length. The real saved
// page has headings of 41 and 57 characters over paragraphs of several hundred.
BOOST_AUTO_TEST_CASE(long_english_headings_over_long_paragraphs) {
  const std::string para =
      "The announcement was followed within hours by statements from the ruling coalition, "
      "the main opposition parties and several prefectural governors, each of whom read the "
      "measure differently: some welcomed it as overdue, others warned that the schedule left "
      "local offices too little time to prepare, and a few asked for the details of the "
      "funding to be published before the bill reaches the upper house next month. Abroad, "
      "the reaction was more measured, with most governments saying they would study it.";
  BOOST_REQUIRE_GT(common::utf8::count_code_points(para), 400u);
  const std::string h60 = "Domestic Reactions and International Responses to the Policy";
  const std::string h57 = "What the Ministry Said About the Schedule and the Budgets";
  const std::string h41 = "Why the Prefectures Asked for More Detail";
  BOOST_REQUIRE_EQUAL(h60.size(), 60u);
  BOOST_REQUIRE_EQUAL(h57.size(), 57u);
  BOOST_REQUIRE_EQUAL(h41.size(), 41u);
  const std::string page = "2025.04.30\n\n[Eng] A policy and its reception\n\n" + para + "\n\n" +
                           h60 + "\n" + para + "\n\n" + h57 + "\n" + para + "\n\n" + h41 + "\n" +
                           para + "\n\n|\n";
  const ReadResult r = read_page_text("a.txt", page, tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  const std::string p = "<p>" + para + "</p>";
  BOOST_TEST(r.posts.at(0).content_html == p + "\n<h3>" + h60 + "</h3>\n" + p + "\n<h3>" + h57 +
                                               "</h3>\n" + p + "\n<h3>" + h41 + "</h3>\n" + p);
}

BOOST_AUTO_TEST_CASE(japanese_headings_over_long_paragraphs) {
  const std::string para =
      "政府の発表から数時間のうちに、与党と主要な野党、いくつかの県の知事がそれぞれ声明を出した"
      "が、その受け止め方は大きく分かれた。遅すぎたくらいだと歓迎する声がある一方で、準備の期間"
      "が短すぎると心配する声もあり、来月参議院で審議される前に財源の詳細を示すよう求める意見も"
      "出ている。海外の反応は比較的落ち着いていて、多くの国は内容を詳しく検討すると述べるにとど"
      "まった。";
  const std::string h1 = "国内の反応と国際社会の受け止め方、そして今後の見通しについての整理";
  const std::string h2 = "読んだ本";
  const std::string page = "2025年4月30日\n\n政策とその受け止め\n\n" + para + "\n\n" + h1 + "\n" +
                           para + "\n\n" + h2 + "\n" + para + "\n";
  const ReadResult r = read_page_text("a.txt", page, tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  const std::string p = "<p>" + para + "</p>";
  BOOST_TEST(r.posts.at(0).content_html ==
             p + "\n<h3>" + h1 + "</h3>\n" + p + "\n<h3>" + h2 + "</h3>\n" + p);
  BOOST_TEST(r.posts[0].lang == "ja");
}

BOOST_AUTO_TEST_CASE(blocks_that_are_not_headings) {
  const std::string long_line =
      "The trees were already green, but a few petals were left on the path, and the ducks "
      "were out on the water again after a week of rain.";
  const std::string unpunctuated_long(kHeadingMaxCodePoints + 1, 'x');
  const std::string body =
      "2025.04.30\nTitle\n\n"
      // two short lines
      "Shopping list\nbread and milk\n\n"
      // a short sentence ending in a period, then a long line
      "It rained.\n" +
      long_line +
      "\n\n"
      // a colon, in either script
      "Note: on the trees\n" +
      long_line + "\n\n見出し：\n" + long_line +
      "\n\n"
      // one line only
      "Alone\n\n"
      // over the cap, even above a much longer line
      + unpunctuated_long + "\n" + unpunctuated_long + unpunctuated_long + "\n";
  const ReadResult r = read_page_text("a.txt", body, tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts.at(0).content_html ==
             "<p>Shopping list<br>\nbread and milk</p>\n<p>It rained.<br>\n" + long_line +
                 "</p>\n<p>Note: on the trees<br>\n" + long_line + "</p>\n<p>見出し：<br>\n" +
                 long_line + "</p>\n<p>Alone</p>\n<p>" + unpunctuated_long + "<br>\n" +
                 unpunctuated_long + unpunctuated_long + "</p>");
}

BOOST_AUTO_TEST_CASE(a_heading_needs_a_line_twice_its_length_after_it) {
  const std::string heading(30, 'h');
  const auto html_of = [&](std::size_t after) {
    const std::string body =
        "2025.04.30\nTitle\n\n" + heading + "\n" + std::string(after, 'b') + "\n";
    return read_page_text("a.txt", body, tokyo_options()).posts.at(0).content_html;
  };
  BOOST_TEST(html_of(59).starts_with("<p>"));
  BOOST_TEST(html_of(60) == "<h3>" + heading + "</h3>\n<p>" + std::string(60, 'b') + "</p>");
  // Code points, not bytes: a short kanji heading over a kanji line twice as long.
  const ReadResult r =
      read_page_text("a.txt", "2025.04.30\nタイトル\n\n見出し\n本文です本文\n", tokyo_options());
  BOOST_TEST(r.posts.at(0).content_html == "<h3>見出し</h3>\n<p>本文です本文</p>");
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
  const ReadResult r = read_page_text(
      "a.txt", "2025.04.30\r\n\r\nTitle\r\n\r\nHead\r\nText under the head\r\n", tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts[0].title == "Title");
  BOOST_TEST(r.posts[0].content_html == "<h3>Head</h3>\n<p>Text under the head</p>");
}

BOOST_AUTO_TEST_CASE(stem_without_number_has_position_zero) {
  const ReadResult r = read_page_text("x/hello.txt", "2025.04.30\nT\n", tokyo_options());
  BOOST_TEST(r.posts.at(0).key == "hello");
  BOOST_TEST(r.posts.at(0).position == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
