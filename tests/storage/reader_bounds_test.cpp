// Pathological post files (SPEC "Reading is bounded"): each is generated here, read through
// read_post_file, and must come back as one problem with a useful reason and line, found by
// a counted bound (storage/readers/reader_limits.h), never by a timer. What each case costs is
// measured by hand (README "Reliability"); no test asserts a time.
#include <boost/test/unit_test.hpp>
#include <string>

#include "storage/readers/front_matter.h"
#include "storage/readers/markdown_reader.h"
#include "storage/readers/post_reader.h"
#include "storage/readers/reader_limits.h"
#include "tests/support/reader_fixtures.h"
namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(reader_bounds)

namespace {

using testing::tokyo_options;

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

// The one problem of reading `bytes` as `path`, as "path:line: reason"; fails otherwise.
std::string one_problem(std::string_view path, const std::string& bytes) {
  const ReadResult r = read_post_file(path, bytes, tokyo_options());
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  return r.problems[0].to_string();
}

std::string yaml(const std::string& front, const std::string& body = "Body.\n") {
  return "---\ntitle: T\ndate: 2025-04-30\n" + front + "---\n" + body;
}

std::string toml(const std::string& front) {
  return "+++\ntitle = \"T\"\ndate = 2025-04-30\n" + front + "+++\nBody.\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_file_over_max_file_bytes_is_not_parsed) {
  ReaderOptions options = tokyo_options();
  options.max_file_bytes = 100;
  const std::string page = "2025.04.30\nTitle\n\n" + std::string(200, 'x') + "\n";
  const ReadResult r = read_post_file("big.txt", page, options);
  BOOST_TEST(r.posts.empty());
  BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
  BOOST_TEST(r.problems[0].to_string() ==
             "big.txt: file is 219 bytes, more than store.max_file_bytes (100): not read");
  options.max_file_bytes = page.size();
  BOOST_TEST(read_post_file("big.txt", page, options).posts.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_hundred_thousand_tags) {
  std::string flow = "tags: [";
  std::string block = "tags:\n";
  std::string array = "tags = [";
  for (int i = 0; i < 100'000; ++i) {
    flow += "t" + std::to_string(i) + ", ";
    block += "  - t" + std::to_string(i) + "\n";
    array += "\"t" + std::to_string(i) + "\", ";
  }
  for (const std::string& file : {yaml(flow + "x]\n"), yaml(block), toml(array + "\"x\"]\n")}) {
    BOOST_TEST(one_problem("t.md", file).starts_with("t.md:1: front matter is "));
    BOOST_TEST(one_problem("t.md", file).ends_with(" bytes, more than 32768"));
  }
  // Under the size bound, the item count is bounded on its own.
  std::string many = "tags: [";
  std::string many_toml = "tags = [";
  for (std::size_t i = 0; i <= limits::kMaxListItems; ++i) {
    many += "a,";
    many_toml += "1,";
  }
  BOOST_TEST(one_problem("t.md", yaml(many + "a]\n")) ==
             "t.md:4: 'tags' has 1002 items, more than 1000");
  BOOST_TEST(one_problem("t.md", toml(many_toml + "1]\n")) ==
             "t.md:4: 'tags' has 1002 items, more than 1000");
  const std::string fine = yaml("tags: [" + repeat("a,", limits::kMaxListItems - 1) + "a]\n");
  BOOST_TEST(read_post_file("t.md", fine, tokyo_options()).posts.at(0).tags.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(yaml_aliases_do_not_multiply) {
  // 7,000 aliases of a 1,000-item list, in nested lists: each is shared, not copied (a
  // "billion laughs" document); lists of lists are left out, the aliased list is read.
  const std::string list = "l: &l [" + repeat("x,", limits::kMaxListItems - 1) + "x]\n";
  const std::string nested = "m: &m {a: [" + repeat("*l,", 4'000) + "*l]}\nn: {b: [" +
                             repeat("*m,", 3'000) + "*m]}\ntags: *l\n";
  const ReadResult r = read_post_file("a.md", yaml(list + nested), tokyo_options());
  BOOST_REQUIRE(r.problems.empty());
  BOOST_TEST(r.posts.at(0).tags.size() == limits::kMaxListItems);
}

BOOST_AUTO_TEST_CASE(deeply_nested_front_matter) {
  const std::string deep = "front matter nested deeper than 32 levels";
  for (const std::string& file :
       {yaml("x: " + repeat("[", 10'000) + "\n"),
        yaml("x: " + repeat("{a: ", 5'000) + "1" + repeat("}", 5'000) + "\n"),
        yaml("x:\n" + repeat("- ", 5'000) + "1\n"), toml("x = " + repeat("[", 10'000) + "\n"),
        toml("x = " + repeat("{a = ", 5'000) + "1" + repeat("}", 5'000) + "\n"),
        toml(repeat("a.", 5'000) + "a = 1\n")}) {
    BOOST_TEST_CONTEXT(file.substr(0, 60)) {
      BOOST_TEST(one_problem("d.md", file).ends_with(": " + deep));
    }
  }
  std::string block;
  for (int i = 0; i < 100; ++i) {
    block += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  }
  BOOST_TEST(one_problem("d.md", yaml(block)) == "d.md:36: " + deep);
  // Ordinary nesting, brackets in quotes, comments and block scalars are not depth.
  const std::string fine = yaml(
      "params:\n  a:\n    b: [1, [2, {c: 3}]]\n"
      "summary: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n"
      "note: '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{'  # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
      "text: |\n  " +
      repeat("[", 40) + "\n    " + repeat("{", 40) + "\n");
  const ReadResult r = read_post_file("fine.md", fine, tokyo_options());
  BOOST_TEST(r.problems.empty());
  BOOST_TEST(r.posts.size() == 1u);
  const ReadResult t = read_post_file(
      "fine.md", toml("s = \"" + repeat("[", 40) + "\"\n[params.a.b]\nc = [1, [2]]\n"),
      tokyo_options());
  BOOST_TEST(t.problems.empty());
}

BOOST_AUTO_TEST_CASE(huge_titles_and_ids) {
  const std::string title(100'000, 't');
  BOOST_TEST(one_problem("h.md", "---\ntitle: " + title + "\ndate: 2025-04-30\n---\nx\n") ==
             "h.md:1: front matter is 100025 bytes, more than 32768");
  BOOST_TEST(one_problem("h.md",
                         "---\ntitle: " + title.substr(0, 5000) + "\ndate: 2025-04-30\n---\nx\n") ==
             "h.md:2: 'title' is 5000 bytes, more than 4096");
  BOOST_TEST(one_problem("h.md", yaml("id: " + std::string(1000, 'i') + "\n")) ==
             "h.md:4: the id is 1000 bytes, more than 512");
  BOOST_TEST(one_problem("h.txt", "2025.04.30\n\n" + title + "\n\nText.\n") ==
             "h.txt:3: the title is 100000 bytes, more than 4096");
}

BOOST_AUTO_TEST_CASE(deeply_nested_markdown) {
  BOOST_TEST(one_problem("m.md", yaml({}, "Intro.\n\n" + repeat(">", 100'000) + " x\n")) ==
             "m.md:7: Markdown nested deeper than 32 levels (quotes or lists)");
  BOOST_TEST(one_problem("m.md", yaml({}, repeat("- ", 100'000) + "x\n")) ==
             "m.md:5: Markdown nested deeper than 32 levels (quotes or lists)");
  BOOST_TEST(one_problem("m.md", yaml({}, repeat("1. > ", 20) + "x\n"))
                 .ends_with("levels (quotes or lists)"));
  const std::string ok = repeat("> ", 30) + "- quoted list\n\n* * *\n\n    > > > code\n";
  const ReadResult r = read_post_file("m.md", yaml({}, ok), tokyo_options());
  BOOST_TEST(r.problems.empty());
  BOOST_TEST(r.posts.at(0).content_html.find("<blockquote>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(markdown_that_md4c_renders_in_quadratic_time) {
  // One block of lines opening with '[' (reference definition candidates), one of bare URLs
  // with parentheses: md4c 0.4.8 takes seconds on a few hundred KiB of either.
  BOOST_TEST(one_problem("q.md", yaml({}, "Intro.\n\n" + repeat("[a]\n", 65'536))) ==
             "q.md:7: a Markdown block of 262144 bytes with 65536 bare links or '[' lines is "
             "too costly to render: split it with blank lines");
  BOOST_TEST(one_problem("q.md", yaml({}, repeat("www.a.b/(", 30'000)))
                 .starts_with("q.md:5: a Markdown block of "));
  // The same text in blocks of ordinary size renders.
  const ReadResult r = read_post_file(
      "q.md", yaml({}, repeat("[a]\n\nSee www.example.org/(x) and more.\n\n", 20'000)),
      tokyo_options());
  BOOST_TEST(r.problems.empty());
  BOOST_TEST(r.posts.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_markdown_body_over_its_bound) {
  const std::string body = repeat("Some *text*.\n\n", limits::kMaxMarkdownBytes / 14 + 1);
  BOOST_TEST(one_problem("b.md", yaml({}, body)) ==
             "b.md:5: Markdown is " + std::to_string(body.size()) + " bytes, more than " +
                 std::to_string(limits::kMaxMarkdownBytes));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
