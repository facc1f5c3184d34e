// Golden files for one small store in each format: `feedd build` must write exactly the
// bytes in tests/integration/golden/<format>/expected/ (reviewed by eye when written), and
// those files pass the same validators as every other feed (xmllint, atom.rng, feedparser).
// FEEDD_UPDATE_GOLDEN=1 (exactly "1") rewrites them from the current output.
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "tests/support/feed_validation.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(golden_test)

namespace {

void check_golden(const std::string& format) {
  const auto root = testdata_dir() / "integration/golden" / format;
  TempDir dir;
  // A configuration of its own, so the golden bytes do not depend on write_config()'s.
  auto config = dir / "feedd.toml";
  write_file(config,
             "[site]\nbase_url = \"https://blog.example.org/\"\n"
             "feeds_url = \"https://blog.example.org/feeds/\"\n"
             "author = \"Golden Author\"\ntimezone = \"Asia/Tokyo\"\n"
             "default_language = \"ja\"\n"
             "[languages.ja]\ntitle = \"ゴールデン\"\ndescription = \"日本語\"\n"
             "[languages.en]\ntitle = \"Golden\"\ndescription = \"English\"\n"
             "markers = [\"[Eng]\"]\n"
             "[store]\npath = \"" +
                 (root / "posts").string() +
                 "\"\n"
                 "index = \"" +
                 (dir / "index.sqlite").string() + "\"\n");
  auto out = dir / "out";
  auto result = run_command(
      {feedd_binary().string(), "build", "--config", config.string(), "--out", out.string()});
  BOOST_REQUIRE_MESSAGE(result.exit_status == 0, result.output);
  const char* update = std::getenv("FEEDD_UPDATE_GOLDEN");
  for (const std::string& file : kFeedFiles) {
    auto expected = root / "expected" / file;
    auto actual = read_file(out / file);
    if (update != nullptr && std::string_view(update) == "1") {
      write_file(expected, actual);
      continue;
    }
    BOOST_TEST((actual == read_file(expected)), format << "/" << file << " differs from golden");
  }
  const auto report = validate_feeds(root / "expected");
  BOOST_TEST(report.find(" 0 ") == std::string::npos, "a golden feed has no entries:\n" << report);
}

}  // namespace

BOOST_AUTO_TEST_CASE(page_text_store) { check_golden("page_text"); }
BOOST_AUTO_TEST_CASE(markdown_store) { check_golden("markdown"); }
BOOST_AUTO_TEST_CASE(mt_export_store) { check_golden("mt_export"); }

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
