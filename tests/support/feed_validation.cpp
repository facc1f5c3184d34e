#include "tests/support/feed_validation.h"

#include <boost/test/unit_test.hpp>

#include "tests/support/test_support.h"

namespace feedd::testing {

const std::vector<std::string> kFeedFiles = {"ja/atom.xml", "ja/rss.xml", "ja/feed.json",
                                             "en/atom.xml", "en/rss.xml", "en/feed.json",
                                             "atom.xml",    "rss.xml",    "feed.json"};

std::string validate_feeds(const std::filesystem::path& dir) {
  return validate_feeds(dir, kFeedFiles);
}

std::string validate_feeds(const std::filesystem::path& dir,
                           const std::vector<std::string>& files) {
  std::vector<std::string> parse{"/usr/bin/python3",
                                 (testdata_dir() / "integration/check_feeds.py").string()};
  for (const auto& file : files) {
    auto path = (dir / file).string();
    BOOST_REQUIRE_MESSAGE(std::filesystem::exists(path), "missing " << path);
    parse.push_back(path);
    if (file.ends_with(".xml")) {
      auto lint = run_command({"xmllint", "--noout", path});
      BOOST_TEST(lint.exit_status == 0, path << ": " << lint.output);
    }
    if (file.ends_with("atom.xml") || file.find("archive/") != std::string::npos) {
      auto schema = run_command({"xmllint", "--noout", "--relaxng",
                                 (testdata_dir() / "feeds/testdata/atom.rng").string(), path});
      BOOST_TEST(schema.exit_status == 0, path << ": " << schema.output);
    }
  }
  auto parsed = run_command(parse);
  BOOST_TEST(parsed.exit_status == 0, parsed.output);
  return parsed.output;
}

}  // namespace feedd::testing
