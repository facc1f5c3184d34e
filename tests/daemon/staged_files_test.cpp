// StagedFiles (daemon/pipeline/file_output.h), write_feeds() in two steps: staged files wait
// as hidden temporaries while the old bytes stay in place, commit() puts every batch staged
// since the last commit in place at once, an unchanged file is not staged, and what was not
// committed is removed, leaving the old bytes.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/pipeline/file_output.h"
#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(staged_files_test)

namespace {

feeds::RenderedFeed feed(std::string path, std::string body) {
  feeds::RenderedFeed rendered;
  rendered.path = std::move(path);
  rendered.body = std::move(body);
  return rendered;
}

// The names in `dir` and its subdirectories, relative to it.
std::vector<std::string> names(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      out.push_back(entry.path().lexically_relative(dir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(batches_are_put_in_place_together_at_commit) {
  testing::TempDir dir;
  testing::write_file(dir / "ja/archive/1.xml", "old 1");
  testing::write_file(dir / "ja/archive/2.xml", "same");
  StagedFiles files(dir.path());
  auto first = files.stage({feed("ja/archive/1.xml", "new 1"), feed("ja/archive/2.xml", "same")});
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(*first == 1);  // 2.xml already holds its bytes
  auto second = files.stage({feed("en/archive/1.xml", "new en")});
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(*second == 1);
  BOOST_TEST(files.bytes() == 11u);
  // Staged, not in place: the old bytes are still what a reader gets.
  BOOST_TEST(testing::read_file(dir / "ja/archive/1.xml") == "old 1");
  BOOST_TEST(!std::filesystem::exists(dir / "en/archive/1.xml"));
  BOOST_TEST_REQUIRE(files.commit().has_value());
  BOOST_TEST(testing::read_file(dir / "ja/archive/1.xml") == "new 1");
  BOOST_TEST(testing::read_file(dir / "en/archive/1.xml") == "new en");
  BOOST_TEST(files.bytes() == 0u);
  const std::vector<std::string> expected = {"en/archive/1.xml", "ja/archive/1.xml",
                                             "ja/archive/2.xml"};
  BOOST_TEST(names(dir.path()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(what_is_not_committed_is_removed_and_the_old_bytes_stay) {
  testing::TempDir dir;
  testing::write_file(dir / "ja/atom.xml", "old");
  {
    StagedFiles files(dir.path());
    BOOST_TEST_REQUIRE(files.stage({feed("ja/atom.xml", "new")}).has_value());
    BOOST_TEST(names(dir.path()).size() == 2u);  // the file and its hidden temporary
  }
  BOOST_TEST(testing::read_file(dir / "ja/atom.xml") == "old");
  const std::vector<std::string> expected = {"ja/atom.xml"};
  BOOST_TEST(names(dir.path()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::daemon
