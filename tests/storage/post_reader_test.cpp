// read_post_file: format dispatch, bad bytes, file names, size, and the bundled sample store.
#include "storage/readers/post_reader.h"

#include <date/tz.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "common/encoding.h"
#include "storage/readers/reader_limits.h"
#include "tests/support/reader_fixtures.h"
#include "tests/support/test_support.h"
namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(post_reader)

namespace {

using testing::tokyo_options;
using testing::utc;

ReadResult read(std::string_view path, std::string_view bytes) {
  return read_post_file(path, bytes, tokyo_options());
}

std::string one_problem(const ReadResult& r) {
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  return r.problems[0].to_string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(dispatch_by_content) {
  ReadResult r = read("a.txt", "---\ntitle: T\ndate: 2025-04-30\n---\nx\n");
  BOOST_TEST((r.posts.at(0).format == SourceFormat::markdown));
  r = read("a.md", "+++\ntitle = \"T\"\ndate = 2025-04-30\n+++\n");
  BOOST_TEST((r.posts.at(0).format == SourceFormat::markdown));
  r = read("a.txt", "TITLE: T\nSTATUS: Publish\nDATE: 04/30/2025 10:00:00 AM\n-----\n--------\n");
  BOOST_TEST((r.posts.at(0).format == SourceFormat::mt_export));
  r = read("a.md", "2025.04.30\nタイトル\n");  // extension only breaks ties
  BOOST_TEST(r.posts.empty());
  BOOST_TEST(r.problems.at(0).reason.starts_with("Markdown post without front matter"));
  r = read("a.txt",
           "\xEF\xBB\xBF"
           "2025.04.30\nタイトル\n");  // byte order mark
  BOOST_TEST((r.posts.at(0).format == SourceFormat::page_text));
  BOOST_TEST(r.posts.at(0).title == "タイトル");
}

BOOST_AUTO_TEST_CASE(bad_bytes) {
  BOOST_TEST(one_problem(read("e.txt", "")) == "e.txt: empty file");
  BOOST_TEST(one_problem(read("e.txt", " \n\n\t\n")) == "e.txt: empty file");
  BOOST_TEST(one_problem(read("b.txt", std::string_view("2025.04.30\n\0\x01\x02", 14))) ==
             "b.txt:2: binary file (a NUL byte at column 1)");
  BOOST_TEST(one_problem(read("u.txt", "2025.04.30\nTitle\n\nok\nbad \xFF here\n")) ==
             "u.txt:5: invalid UTF-8 (byte 0xFF at column 5)");
  BOOST_TEST(one_problem(read("u.txt", "\xE6\x97")) ==
             "u.txt:1: invalid UTF-8 (byte 0xE6 at column 1)");
  BOOST_TEST(one_problem(read("l.txt", "latin-1 caf\xE9\n")) ==
             "l.txt:1: invalid UTF-8 (byte 0xE9 at column 12)");
}

// Files saved in another encoding than UTF-8 (storage/readers/text_encoding.h) are read as
// their text, whatever the format; the rest of the bad-bytes rules stay as above.
BOOST_AUTO_TEST_CASE(files_in_japanese_legacy_encodings_are_read_as_their_text) {
  // 2025.04.30 / 日本の話題 / これは段落です。 in Shift_JIS (code page 932).
  ReadResult r = read("p.txt", common::hex_decode("323032352E30342E33300A0A93FA967B82CC986291E80A"
                                                  "0A82B182EA82CD9269978E82C582B781420A")
                                   .value());
  BOOST_TEST_REQUIRE(r.posts.size() == 1u);
  BOOST_TEST(r.problems.empty());
  BOOST_TEST(r.posts[0].title == "日本の話題");
  BOOST_TEST(r.posts[0].content_html == "<p>これは段落です。</p>");
  BOOST_TEST(r.posts[0].lang == "ja");
  // A Movable Type export in Shift_JIS: both entries (最初の記事, 二番目の記事), not one problem
  // an entry.
  const std::string export_in_shift_jis =
      common::hex_decode(
          "5449544C453A208DC58F8982CC8B4C8E960A424153454E414D453A2066697273740A5354415455533A"
          "205075626C6973680A444154453A2030352F30372F323032352031303A30303A303020414D0A2D2D2D"
          "2D2D0A424F44593A0A3C703E967B95B682C582B781423C2F703E0A2D2D2D2D2D0A2D2D2D2D2D2D2D2D"
          "0A5449544C453A2093F194D496DA82CC8B4C8E960A424153454E414D453A207365636F6E640A535441"
          "5455533A205075626C6973680A444154453A2030352F30382F323032352031303A30303A303020414D"
          "0A2D2D2D2D2D0A424F44593A0A3C703E82DC82BD967B95B681423C2F703E0A2D2D2D2D2D0A2D2D2D2D"
          "2D2D2D2D0A")
          .value();
  r = read("x.mt", export_in_shift_jis);
  BOOST_TEST(r.problems.empty());
  BOOST_TEST_REQUIRE(r.posts.size() == 2u);
  BOOST_TEST(r.posts[0].title == "最初の記事");
  BOOST_TEST(r.posts[1].title == "二番目の記事");
  BOOST_TEST((r.posts[1].format == SourceFormat::mt_export));
  // The same with a byte pair code page 932 leaves undefined (85 40) in the second entry's
  // body: that entry is damaged, the first is published; and with a UTF-8 byte order mark.
  std::string damaged = export_in_shift_jis;
  damaged.insert(damaged.rfind("<p>") + 3, common::hex_decode("8540").value());
  r = read("x.mt", damaged);
  BOOST_TEST_REQUIRE(r.posts.size() == 1u);
  BOOST_TEST(r.posts[0].title == "最初の記事");
  BOOST_TEST_REQUIRE(r.problems.size() == 1u);
  BOOST_TEST(r.problems[0].to_string().starts_with("x.mt:10: invalid UTF-8"),
             r.problems[0].to_string());
  r = read("x.mt", "\xEF\xBB\xBF" + export_in_shift_jis);
  BOOST_TEST(r.problems.empty());
  BOOST_TEST(r.posts.size() == 2u);
  // ISO-2022-JP (7-bit: valid UTF-8 with escapes), read because it designates JIS X 0208.
  r = read("j.txt", common::hex_decode("323032352E30342E33300A0A1B2442467C4B5C244E4F43426A1B284"
                                       "20A0A1B24422433246C244F434A4D6E2447243921231B28420A")
                        .value());
  BOOST_TEST_REQUIRE(r.posts.size() == 1u);
  BOOST_TEST(r.posts[0].title == "日本の話題");
  BOOST_TEST(r.posts[0].content_html == "<p>これは段落です。</p>");
  // Larger than store.max_file_bytes once decoded (half-width katakana triple in UTF-8).
  std::string katakana = "2025.04.30\n\n";
  for (int i = 0; i < 400; ++i) {
    katakana += common::hex_decode("B6C0B6C5").value();  // ｶﾀｶﾅ
  }
  katakana += common::hex_decode("82C582B70A").value();  // です
  ReaderOptions small = tokyo_options();
  small.max_file_bytes = 3000;
  BOOST_TEST(one_problem(read_post_file("k.txt", katakana, small)) ==
             "k.txt: more than store.max_file_bytes (3000) once read as UTF-8 from Shift_JIS: "
             "not read");
  // Markdown in UTF-16 (little-endian, with its mark): ---/title: T/date: 2025-05-01/---/本文
  std::string utf16 = "\xFF\xFE";
  for (const char c : std::string_view("---\ntitle: T\ndate: 2025-05-01\n---\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  utf16 += common::hex_decode("2C678765").value();  // 本文
  r = read("m.md", utf16);
  BOOST_TEST(r.problems.empty());
  BOOST_TEST_REQUIRE(r.posts.size() == 1u);
  BOOST_TEST(r.posts[0].content_html == "<p>本文</p>");
  // Damaged UTF-8 is still reported at its byte: not taken for another encoding.
  BOOST_TEST(one_problem(read("d.txt", "2025.04.30\n日本の話題\n\nこれは\x82段落です。\n")) ==
             "d.txt:4: invalid UTF-8 (byte 0x82 at column 10)");
}

BOOST_AUTO_TEST_CASE(ignored_file_names) {
  for (std::string_view name : {".hidden.txt", "post.txt~", ".post.txt.swp", "post.swp", "x.swx",
                                "#post.txt#", "notes.html", "README", "2025/.git", "image.png"}) {
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(is_ignored_file_name(name)); }
  }
  for (std::string_view name : {"001_a1b2c3.txt", "post.md", "post.markdown", "blog.mt",
                                "2025/001.TXT", "export/blog.mt.txt"}) {
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(!is_ignored_file_name(name)); }
  }
}

// 10 MB files of each format parse completely (Markdown: the largest body it accepts). How fast is
// the benchmarks' business (the project checks speed there, never with timed unit tests); the time
// is only reported here.
BOOST_AUTO_TEST_CASE(ten_megabyte_files_parse) {
  std::string big = "« 前 | Top page | 次 »\n\n2025.04.30\n\n[Eng] Big\n\n";
  const std::string paragraph =
      "A long paragraph of English text, with <markup> & entities, 日本語も少し。\n\n"
      "Heading\nand text under it.\n\n";
  while (big.size() < 10 * 1024 * 1024) {
    big += paragraph;
  }
  // A Markdown body is bounded by limits::kMaxMarkdownBytes (md4c's cost): the largest one.
  std::string markdown = "---\ntitle: Big\ndate: 2025-04-30\n---\n";
  while (markdown.size() < limits::kMaxMarkdownBytes - 64) {
    markdown += "Some *markdown* text with a [link](x.html).\n\n";
  }
  std::string mt;
  for (int i = 0; mt.size() < 10 * 1024 * 1024; ++i) {
    mt += "TITLE: Entry " + std::to_string(i) +
          "\nSTATUS: Publish\nDATE: 04/30/2025 10:00:00 AM\n-----\nBODY:\n" + paragraph +
          "-----\n--------\n";
  }
  for (const auto& [name, bytes] :
       std::map<std::string, std::string>{{"big.txt", big}, {"big.md", markdown}, {"big.mt", mt}}) {
    const auto start = std::chrono::steady_clock::now();
    const ReadResult r = read(name, bytes);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(r.problems.empty());
      BOOST_TEST(!r.posts.empty());
      BOOST_TEST_MESSAGE(name << ": " << r.posts.size() << " posts in "
                              << std::chrono::duration<double>(elapsed).count() << " s");
    }
  }
}

BOOST_AUTO_TEST_CASE(sample_store_reads_cleanly) {
  const std::filesystem::path root = testing::source_dir() / "etc" / "posts";
  BOOST_REQUIRE(std::filesystem::is_directory(root));
  std::map<std::string, Post> by_key;
  int drafts = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string rel = std::filesystem::relative(entry.path(), root).generic_string();
    if (!entry.is_regular_file() || is_ignored_file_name(rel)) {
      continue;
    }
    const ReadResult r = read_post_file(rel, testing::read_file(entry.path()), tokyo_options());
    for (const Problem& p : r.problems) {
      BOOST_ERROR(p.to_string());
    }
    for (const Post& p : r.posts) {
      BOOST_TEST_CONTEXT(rel) { BOOST_TEST(by_key.emplace(p.key, p).second); }
      drafts += p.draft ? 1 : 0;
    }
  }
  BOOST_TEST(drafts == 1);
  const Post& ja = by_key.at("001_a1b2c3");
  const Post& en = by_key.at("002_d4e5f6");
  BOOST_TEST(ja.lang == "ja");
  BOOST_TEST(en.lang == "en");
  BOOST_TEST(ja.local_date == en.local_date);
  BOOST_TEST(ja.next_title == "[Eng] " + en.title);
  BOOST_TEST(en.previous_title == ja.title);
  BOOST_TEST(ja.content_html.find("<h3>") != std::string::npos);
  BOOST_TEST(en.content_html.find("<h3>") != std::string::npos);

  int markdown = 0;
  std::string translation_key;
  for (const auto& [key, post] : by_key) {
    if (post.format == SourceFormat::markdown) {
      ++markdown;
      BOOST_TEST(!post.translation_key.empty());
      BOOST_TEST(post.content_html.find("src=\"images/") != std::string::npos);
      translation_key = post.translation_key;
    }
  }
  BOOST_TEST(markdown == 2);
  const auto same_key = std::count_if(by_key.begin(), by_key.end(), [&](const auto& kv) {
    return kv.second.translation_key == translation_key;
  });
  BOOST_TEST(same_key == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
