// A store where good posts sit next to broken and pathological files (SPEC "The post store":
// one bad file or export entry is one problem; reading is bounded). `feedd check` lists every
// problem as path:line: reason, `feedd build` exits 1 yet writes feeds with every good post.
#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(hostile_store)

namespace {

CommandResult feedd(const std::vector<std::string>& args) {
  std::vector<std::string> argv{feedd_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

std::string mt_entry(const std::string& title, const std::string& date, const std::string& body) {
  return "TITLE: " + title + "\nSTATUS: Publish\nDATE: " + date + "\n-----\nBODY:\n" + body +
         "\n-----\n--------\n";
}

// Writes the store: the good posts' titles contain "GOOD", nothing else does.
void write_store(const std::filesystem::path& store) {
  write_file(store / "001_aa.txt", "2025.04.30\n\nGOOD page text\n\nA paragraph.\n");
  write_file(store / "good.md",
             "---\ntitle: GOOD markdown\ndate: 2025-05-01\nlang: en\n---\nHi.\n");
  std::string tags = "tags: [";
  for (int i = 0; i < 100'000; ++i) {
    tags += "t" + std::to_string(i) + ", ";
  }
  write_file(store / "tags.md", "---\ntitle: Tags\ndate: 2025-05-01\n" + tags + "x]\n---\nx\n");
  write_file(store / "nested.md",
             "---\ntitle: Nested\ndate: 2025-05-01\nx: " + repeat("{a: ", 5000) + "1" +
                 repeat("}", 5000) + "\n---\nx\n");
  write_file(store / "quotes.md",
             "---\ntitle: Quotes\ndate: 2025-05-01\n---\n" + repeat(">", 100'000) + " x\n");
  write_file(store / "huge.txt", "2025.04.30\n\nHuge\n\n" + repeat("x", 2 * 1024 * 1024) + "\n");
  write_file(store / "latin1.txt", "2025.04.30\n\nCaf\xE9\n\nText.\n");
  std::string mt = mt_entry("GOOD entry one", "01/02/2020 10:00:00 AM", "One.") +     // 1-8
                   mt_entry("Bad date", "2020-01-02", "Two.") +                       // 9-16
                   mt_entry("Latin-1 caf\xE9", "01/03/2020 10:00:00 AM", "Three.") +  // 17-24
                   "garbage between separators\n--------\n" +                         // 25-26
                   mt_entry("GOOD entry two", "01/04/2020 10:00:00 AM", "Four.");
  write_file(store / "export/blog.mt", mt);
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_files_and_entries_are_problems_and_good_posts_publish) {
  TempDir dir;
  write_store(dir / "store");
  auto config =
      write_config(dir.path(), dir / "store", dir / "index.sqlite", "max_file_bytes = 1048576\n");

  auto check = feedd({"check", "--config", config.string()});
  BOOST_TEST(check.exit_status == 1, check.output);
  for (const std::string expected :
       {"tags.md:1: front matter is ", "nested.md:4: front matter nested deeper than 32 levels",
        "quotes.md:5: Markdown nested deeper than 32 levels",
        "huge.txt: file is 2097171 bytes, more than store.max_file_bytes (1048576): not read",
        "latin1.txt:3: invalid UTF-8 (byte 0xE9 at column 4)",
        "export/blog.mt:11: DATE is \"2020-01-02\"",
        "export/blog.mt:17: invalid UTF-8 (byte 0xE9 at column 19): the entry is damaged",
        "export/blog.mt:25: expected a 'FIELD: value' line"}) {
    BOOST_TEST(check.output.find(expected) != std::string::npos, expected << "\n" << check.output);
  }

  auto build = feedd({"build", "--config", config.string(), "--out", (dir / "out").string()});
  BOOST_TEST(build.exit_status == 1, build.output);
  const std::string all = read_file(dir / "out/feed.json");
  for (const char* good : {"GOOD page text", "GOOD markdown", "GOOD entry one", "GOOD entry two"}) {
    BOOST_TEST(all.find(good) != std::string::npos, good);
  }
  for (const char* bad : {"\"Tags\"", "Nested", "Quotes", "Huge", "Bad date"}) {
    BOOST_TEST(all.find(bad) == std::string::npos, bad);
  }
  auto lint = run_command({"xmllint", "--noout", (dir / "out/atom.xml").string()});
  BOOST_TEST(lint.exit_status == 0, lint.output);
}

// gumbo's tree builder is quadratic in nesting depth: such a body is not parsed (that would
// take minutes), it is logged, published as written, and the other posts are unaffected.
BOOST_AUTO_TEST_CASE(html_too_costly_to_parse_is_logged_and_published_as_written) {
  TempDir dir;
  write_file(dir / "store/deep.md", "---\ntitle: Deep\ndate: 2025-05-01\nlang: en\n---\n" +
                                        repeat("<div>", 40'000) + "<a href=\"rel.html\">x</a>\n");
  // gumbo's tokenizer is quadratic in one tag's attributes: 100,000 of them took 17 s.
  std::string attributes;
  for (int i = 0; i < 100'000; ++i) {
    attributes += " a" + std::to_string(i) + "=\"x\"";
  }
  write_file(dir / "store/wide.md",
             "---\ntitle: Wide\ndate: 2025-05-03\nlang: en\n---\n<p" + attributes + ">x</p>\n");
  write_file(dir / "store/good.md",
             "---\ntitle: GOOD\ndate: 2025-05-02\nlang: en\n---\nA [link](rel.html).\n");
  auto config = write_config(dir.path(), dir / "store", dir / "index.sqlite", "");

  auto build = feedd({"build", "--config", config.string(), "--out", (dir / "out").string()});
  BOOST_TEST(build.exit_status == 0, build.output);
  BOOST_TEST(build.output.find("deep.md: HTML nested too deeply to parse") != std::string::npos,
             build.output);
  BOOST_TEST(build.output.find("wide.md: HTML with too many attributes on one tag to parse") !=
                 std::string::npos,
             build.output);
  const std::string all = read_file(dir / "out/feed.json");
  BOOST_TEST(all.find("\"title\": \"Deep\"") != std::string::npos);
  const std::size_t relative = all.find("href=\\\"rel.html\\\"");  // the deep post's, as written
  BOOST_TEST(relative != std::string::npos, all.substr(0, 2000));
  BOOST_TEST(all.find("href=\\\"rel.html\\\"", relative + 1) == std::string::npos);
  BOOST_TEST(all.find("\"summary\": \"A link.\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
