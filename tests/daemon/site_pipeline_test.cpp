// SitePipeline renders again only the feeds whose input changed.
#include "daemon/pipeline/site_pipeline.h"

#include <boost/test/unit_test.hpp>

#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(site_pipeline_test)

namespace {

using namespace std::chrono_literals;

const std::chrono::sys_seconds kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 0s;

std::string post(const std::string& title, const std::string& lang) {
  return "---\ntitle: " + title + "\ndate: 2025-01-01\nlang: " + lang + "\n---\nText.\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(only_feeds_whose_input_changed_are_rendered_again) {
  testing::TempDir dir;
  testing::write_file(dir / "posts/en.md", post("English", "en"));
  testing::write_file(dir / "posts/ja.md", post("日本語", "ja"));
  auto config = load_config(testing::write_config(dir.path(), dir / "posts", ":memory:"));
  SitePipeline pipeline(config);
  pipeline.scan(kNow);
  auto first = pipeline.render(kNow);
  BOOST_TEST(pipeline.feeds_rendered() == 3u);  // ja, en, all
  auto again = pipeline.render(kNow);
  BOOST_TEST(pipeline.feeds_rendered() == 3u, "nothing changed: nothing rendered");
  BOOST_REQUIRE_EQUAL(first.size(), again.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    BOOST_TEST((first[i].body == again[i].body), first[i].path);
  }
  testing::write_file(dir / "posts/en.md", post("English, edited", "en"));
  pipeline.scan(kNow + 1h);
  auto edited = pipeline.render(kNow + 1h);
  BOOST_TEST(pipeline.feeds_rendered() == 5u, "en and all rendered again, ja not");
  bool found = false;
  for (const auto& feed : edited) {
    found |= feed.path == "en/atom.xml" && feed.body.find("English, edited") != std::string::npos;
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
