// Movable Type export (SPEC format 3): entries, statuses, sections, bad entries.
#include "storage/readers/mt_export_reader.h"

#include <date/tz.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/readers/convert_breaks.h"
#include "storage/readers/local_time.h"
#include "storage/readers/post_reader.h"
#include "tests/support/reader_fixtures.h"
namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(mt_export_reader)

namespace {

using testing::tokyo_options;
using testing::utc;

constexpr std::string_view kExport =
    "AUTHOR: Hanako\n"                 // 1
    "TITLE: 春の散歩\n"                // 2
    "BASENAME: 2025/04/30/233000\n"    // 3
    "STATUS: Publish\n"                // 4
    "CONVERT BREAKS: 1\n"              // 5
    "PRIMARY CATEGORY: 日記\n"         // 6
    "CATEGORY: 日記\n"                 // 7
    "CATEGORY: 散歩\n"                 // 8
    "DATE: 04/30/2025 11:30:00 PM\n"   // 9
    "TAGS: \"Movable Type\",spring\n"  // 10
    "-----\n"                          // 11
    "BODY:\n"                          // 12
    "川沿いを歩きました。\n"           // 13
    "桜はもう葉桜です。\n"             // 14
    "\n"                               // 15
    "<ul><li>一</li></ul>\n"           // 16
    "-----\n"                          // 17
    "EXTENDED BODY:\n"                 // 18
    "続きです。\n"                     // 19
    "-----\n"                          // 20
    "EXCERPT:\n"                       // 21
    "川沿いの散歩。\n"                 // 22
    "-----\n"                          // 23
    "COMMENT:\n"                       // 24
    "AUTHOR: Visitor\n"                // 25
    "Nice.\n"                          // 26
    "-----\n"                          // 27
    "--------\n"                       // 28
    "TITLE: Draft entry\n"             // 29
    "STATUS: Draft\n"                  // 30
    "DATE: 05/01/2025 12:05:00 AM\n"   // 31
    "-----\n"                          // 32
    "BODY:\n"                          // 33
    "<p>Not yet.</p>\n"                // 34
    "-----\n"                          // 35
    "--------\n"                       // 36
    "TITLE: [Eng] A spring walk\n"     // 37
    "STATUS: Publish\n"                // 38
    "CONVERT BREAKS: 0\n"              // 39
    "DATE: 05/02/2025 12:15:00 PM\n"   // 40
    "-----\n"                          // 41
    "BODY:\n"                          // 42
    "<p>We walked.</p>\n"              // 43
    "-----\n"                          // 44
    "--------\n";                      // 45

}  // namespace

BOOST_AUTO_TEST_CASE(reads_all_entries) {
  BOOST_TEST(looks_like_mt_export(kExport));
  const ReadResult r = read_mt_export("export/blog.mt.txt", kExport, tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_REQUIRE_EQUAL(r.posts.size(), 3u);

  const Post& a = r.posts[0];
  BOOST_TEST(a.title == "春の散歩");
  BOOST_TEST(a.key == "2025-04-30-233000");
  BOOST_TEST(a.slug == "233000");
  BOOST_TEST(a.author == "Hanako");
  BOOST_TEST((a.categories == std::vector<std::string>{"日記", "散歩"}));
  BOOST_TEST((a.tags == std::vector<std::string>{"Movable Type", "spring"}));
  BOOST_TEST((a.published == utc("2025-04-30T14:30:00Z")));
  BOOST_TEST(a.local_date == "2025-04-30");
  BOOST_TEST(a.summary == "川沿いの散歩。");
  BOOST_TEST(a.content_html ==
             "<p>川沿いを歩きました。<br>\n桜はもう葉桜です。</p>\n<ul><li>一</li></ul>\n"
             "<p>続きです。</p>");
  BOOST_TEST(a.lang == "ja");
  BOOST_TEST(!a.draft);
  BOOST_TEST(a.source_line == 1);
  BOOST_TEST(a.position == 0);
  BOOST_TEST((a.format == SourceFormat::mt_export));

  const Post& b = r.posts[1];
  BOOST_TEST(b.draft);
  BOOST_TEST(b.key == "mt-blog.mt-20250501000500");
  BOOST_TEST((b.published == utc("2025-04-30T15:05:00Z")));  // 12:05 AM is just after midnight
  BOOST_TEST(b.source_line == 29);
  BOOST_TEST(b.position == 1);

  const Post& c = r.posts[2];
  BOOST_TEST(!c.draft);
  BOOST_TEST(c.title == "A spring walk");
  BOOST_TEST(c.lang == "en");
  BOOST_TEST(c.content_html == "<p>We walked.</p>");
  BOOST_TEST((c.published == utc("2025-05-02T03:15:00Z")));  // 12:15 PM is just after noon
  BOOST_TEST(c.source_line == 37);
  BOOST_TEST(c.position == 2);
}

BOOST_AUTO_TEST_CASE(a_bad_entry_does_not_stop_the_others) {
  const std::string file =
      "TITLE: Good one\nSTATUS: Publish\nDATE: 01/02/2025 10:00:00 AM\n-----\nBODY:\nA\n-----\n"
      "--------\n"
      "\n"
      "TITLE: Bad date\nSTATUS: Publish\nDATE: 2025-01-03\n-----\nBODY:\nB\n-----\n"
      "--------\n"
      "TITLE: No status\nDATE: 01/04/2025 10:00:00 AM\n-----\n"
      "--------\n"
      "TITLE: Odd status\nSTATUS: Maybe\nDATE: 01/04/2025 10:00:00 AM\n"
      "--------\n"
      "TITLE: Garbage header\nthis is not a field\n"
      "--------\n"
      "STATUS: Publish\nDATE: 01/04/2025 10:00:00 AM\n"
      "--------\n"
      "TITLE: Second good\nSTATUS: publish\nDATE: 1/5/2025 13:00\n-----\nBODY:\nE\n-----\n"
      "--------\n";
  const ReadResult r = read_mt_export("x.txt", file, tokyo_options());
  BOOST_REQUIRE_EQUAL(r.posts.size(), 2u);
  BOOST_TEST(r.posts[0].title == "Good one");
  BOOST_TEST(r.posts[1].title == "Second good");
  BOOST_TEST(r.posts[1].position == 6);
  BOOST_TEST((r.posts[1].published == utc("2025-01-05T04:00:00Z")));
  BOOST_REQUIRE_EQUAL(r.problems.size(), 5u);
  BOOST_TEST(r.problems[0].to_string() ==
             "x.txt:12: DATE is \"2025-01-03\": expected MM/DD/YYYY hh:mm:ss AM or PM");
  BOOST_TEST(r.problems[1].line == 18);
  BOOST_TEST(r.problems[1].reason == "entry has no STATUS (Publish or Draft)");
  BOOST_TEST(r.problems[2].line == 22);
  BOOST_TEST(r.problems[3].line == 27);
  BOOST_TEST(r.problems[4].reason == "entry has no TITLE");
}

// A real 15-year export: 1,000 entries, a handful broken in the ways old exports break. Read
// through read_post_file, so that bad bytes in one entry cannot reject the whole file.
BOOST_AUTO_TEST_CASE(a_thousand_entries_with_a_handful_broken) {
  std::string file;
  std::map<int, std::string> broken;  // entry number -> expected "line: reason" start
  int line = 1;
  for (int i = 0; i < 1000; ++i) {
    const std::string n = std::to_string(i);
    std::string title = "Entry " + n;
    std::string date = "01/02/2020 10:00:00 AM";
    std::string body = "Body of entry " + n + ".";
    std::string header_extra;
    if (i == 10) {
      date = "2020-13-45";
      broken[i] = std::to_string(line + 3) + ": DATE is \"2020-13-45\"";
    } else if (i == 200) {
      body = "caf\xE9 au lait";  // Latin-1 inside a UTF-8 export
      broken[i] = std::to_string(line + 6) + ": invalid UTF-8 (byte 0xE9 at column 4)";
    } else if (i == 300) {
      title = std::string("Zero\0byte", 9);
      broken[i] = std::to_string(line) + ": NUL byte at column 12";
    } else if (i == 400) {
      title = std::string(100 * 1024, 'T');
      broken[i] = std::to_string(line) + ": TITLE is 102400 bytes, more than 4096";
    } else if (i == 500) {
      header_extra = "%%%% garbage %%%%\n\x7F\x7F binary-ish junk\n";
      broken[i] = std::to_string(line + 4) + ": expected a 'FIELD: value' line";
    }
    if (i == 600) {  // control bytes in a good entry: published, the feed writer drops them
      body = "Bell\x07 and escape\x1B in the text.";
    }
    const std::string entry = "TITLE: " + title + "\nBASENAME: entry-" + n +
                              "\nSTATUS: Publish\nDATE: " + date + "\n" + header_extra +
                              "-----\nBODY:\n" + body + "\n-----\n--------\n";
    file += entry;
    line += static_cast<int>(std::count(entry.begin(), entry.end(), '\n'));
    if (i == 700) {  // garbage between separators: an entry of its own
      broken[-1] = std::to_string(line) + ": expected a 'FIELD: value' line";
      file += "<<<<<<< HEAD\n--------\n";
      line += 2;
    }
  }
  const ReadResult r = read_post_file("export/blog.txt", file, tokyo_options());
  BOOST_TEST(r.posts.size() == 995u);
  BOOST_REQUIRE_EQUAL(r.problems.size(), broken.size());
  std::vector<std::string> got;
  for (const Problem& p : r.problems) {
    BOOST_TEST(p.path == "export/blog.txt");
    got.push_back(std::to_string(p.line) + ": " + p.reason);
  }
  for (const auto& [entry, expected] : broken) {
    BOOST_TEST_CONTEXT("entry " << entry << ": " << expected) {
      BOOST_TEST(std::any_of(got.begin(), got.end(), [&, prefix = expected](const std::string& g) {
        return g.starts_with(prefix);  // (clang 14 cannot capture a binding)
      }));
    }
  }
  std::set<std::string> keys;
  for (const Post& p : r.posts) {
    keys.insert(p.key);
  }
  BOOST_TEST(keys.size() == 995u);
  for (const char* gone : {"entry-10", "entry-200", "entry-300", "entry-400", "entry-500"}) {
    BOOST_TEST(!keys.contains(gone));
  }
  BOOST_TEST(keys.contains("entry-999"));
  BOOST_TEST(keys.contains("entry-600"));
}

BOOST_AUTO_TEST_CASE(truncated_export_keeps_complete_entries) {
  const std::string file =
      "TITLE: Whole\nSTATUS: Publish\nDATE: 01/02/2025 10:00:00 AM\n-----\nBODY:\nA\n-----\n"
      "--------\n"
      "TITLE: Cut\nSTATUS: Publish\nDATE: 01/02/2025 10:0";
  const ReadResult r = read_mt_export("x.txt", file, tokyo_options());
  BOOST_REQUIRE_EQUAL(r.posts.size(), 1u);
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 11);
}

BOOST_AUTO_TEST_CASE(duplicate_basenames_get_distinct_keys) {
  const std::string entry =
      "TITLE: T\nBASENAME: same\nSTATUS: Publish\nDATE: 01/02/2025 10:00:00 AM\n--------\n";
  const ReadResult r = read_mt_export("x.txt", entry + entry, tokyo_options());
  BOOST_REQUIRE_EQUAL(r.posts.size(), 2u);
  BOOST_TEST(r.posts[0].key == "same");
  BOOST_TEST(r.posts[1].key == "same-2");
}

BOOST_AUTO_TEST_CASE(convert_breaks_filter) {
  BOOST_TEST(convert_breaks("one\ntwo\n\n<div>x</div>\n\n<b>bold</b> text") ==
             "<p>one<br>\ntwo</p>\n<div>x</div>\n<p><b>bold</b> text</p>");
  BOOST_TEST(convert_breaks("") == "");
}

BOOST_AUTO_TEST_CASE(markdown_convert_breaks) {
  const ReadResult r = read_mt_export(
      "x.txt",
      "TITLE: T\nSTATUS: Publish\nCONVERT BREAKS: markdown\nDATE: 01/02/2025 10:00:00 AM\n"
      "-----\nBODY:\n*hi*\n-----\n--------\n",
      tokyo_options());
  BOOST_TEST(r.posts.at(0).content_html == "<p><em>hi</em></p>");
}

BOOST_AUTO_TEST_CASE(mt_dates) {
  using namespace std::chrono;
  BOOST_TEST((*parse_mt_date("04/30/2025 11:30:00 PM") ==
              date::local_days{date::year{2025} / 4 / 30} + hours{23} + minutes{30}));
  BOOST_TEST(
      (*parse_mt_date("04/30/2025 12:00:00 AM") == date::local_days{date::year{2025} / 4 / 30}));
  BOOST_TEST(!parse_mt_date("04/30/2025 13:00:00 PM"));
  BOOST_TEST(!parse_mt_date("04/31/2025 10:00:00 AM"));
  BOOST_TEST(!parse_mt_date("04/30/2025"));
  BOOST_TEST(!parse_mt_date("04/30/2025 10:00:00 XM"));
}

BOOST_AUTO_TEST_CASE(detection) {
  BOOST_TEST(!looks_like_mt_export("2025.04.30\nTitle\n"));
  BOOST_TEST(!looks_like_mt_export("NOTE: hello\n--------\n"));
  BOOST_TEST(!looks_like_mt_export("TITLE: x\nno field\n-----\n"));
  BOOST_TEST(!looks_like_mt_export("TITLE: x\n"));
  BOOST_TEST(looks_like_mt_export("\nTITLE: x\nSTATUS: Draft\n--------\n"));
}

// Found by the post_file fuzz target: read_post_file strips a byte order mark before it sniffs,
// so the sniffer and the reader must accept one too, and a bad entry after it stands alone.
BOOST_AUTO_TEST_CASE(byte_order_mark_before_an_export) {
  const std::string with_mark = "\xEF\xBB\xBF" + std::string(kExport);
  BOOST_TEST(looks_like_mt_export(with_mark));
  BOOST_TEST(read_mt_export("export/blog.mt.txt", with_mark, tokyo_options()).posts.size() == 3u);

  const std::string damaged =
      with_mark + "TITLE: bad\nSTATUS: Publish\n-----\nBODY:\n\xFF\n-----\n--------\n";
  const ReadResult r = read_post_file("export/blog.mt.txt", damaged, tokyo_options());
  BOOST_TEST(r.posts.size() == 3u);
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].line == 50);  // the line of the bad byte
}

// Found by the post_file fuzz target (6.0 M executions): only the first of two marks is a mark,
// the second is a U+FEFF character before "TITLE", so the file is no export, whoever sniffs it.
BOOST_AUTO_TEST_CASE(two_byte_order_marks_are_not_an_export) {
  const std::string twice = "\xEF\xBB\xBF\xEF\xBB\xBF" + std::string(kExport);
  BOOST_TEST(!looks_like_mt_export(twice));
  const ReadResult r = read_post_file("export/blog.mt.txt", twice, tokyo_options());
  BOOST_TEST(r.posts.size() <= 1u);  // at most one page-text post, never the export's three
  for (const Post& post : r.posts) {
    BOOST_TEST(post.title != "春の散歩");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
