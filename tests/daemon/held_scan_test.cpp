// SitePipeline's held scans (a change prepared during the watcher's quiet period): render()
// sees the held writes, another connection to the index does not until commit_held(); a
// topic render rolls them back, and the change scanned again afterwards is rendered whole
// (the kept catalogs read its posts again).
#include <boost/test/unit_test.hpp>

#include "daemon/pipeline/site_pipeline.h"
#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(held_scan_test)

namespace {

using namespace std::chrono_literals;

const std::chrono::sys_seconds kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 0s;

std::string post(const std::string& title, const std::string& lang) {
  return "---\ntitle: " + title + "\ndate: 2025-01-01\nlang: " + lang +
         "\ntags: [Tea]\n---\nText of " + title + ".\n";
}

std::string body_of(const std::vector<feeds::RenderedFeed>& rendered, const std::string& path) {
  for (const auto& feed : rendered) {
    if (feed.path == path) {
      return feed.body;
    }
  }
  BOOST_FAIL("nothing rendered at " + path);
  return {};
}

// The newest English title as a second connection to the index file reads it.
std::string committed_title(const Config& config) {
  storage::Index other(config.store.index, config.site.base_url);
  auto newest = other.newest("en", kNow, 1);
  return newest.empty() ? "" : newest.front().post.title;
}

struct Fixture {
  testing::TempDir dir;
  Config config;
  std::unique_ptr<SitePipeline> pipeline;

  Fixture() {
    testing::write_file(dir / "posts/en.md", post("English", "en"));
    testing::write_file(dir / "posts/ja.md", post("日本語", "ja"));
    config = load_config(testing::write_config(dir.path(), dir / "posts", dir / "index.sqlite"));
    pipeline = std::make_unique<SitePipeline>(config);
    pipeline->scan(kNow);
    pipeline->render(kNow);
    testing::write_file(dir / "posts/en.md", post("English, edited", "en"));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(held_writes_are_rendered_and_reach_the_file_once_committed, Fixture) {
  auto report = pipeline->scan_paths_held({"en.md"}, kNow + 1h);
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(report->applied.changed == 1);
  BOOST_TEST(pipeline->holds_scan());
  const auto rendered = pipeline->render(kNow + 1h);
  BOOST_TEST(body_of(rendered, "en/atom.xml").find("English, edited") != std::string::npos);
  BOOST_TEST(committed_title(config) == "English", "not committed yet");
  pipeline->commit_held();
  BOOST_TEST(!pipeline->holds_scan());
  BOOST_TEST(committed_title(config) == "English, edited");
}

BOOST_FIXTURE_TEST_CASE(a_topic_render_rolls_held_writes_back, Fixture) {
  BOOST_REQUIRE(pipeline->scan_paths_held({"en.md"}, kNow + 1h).has_value());
  pipeline->render(kNow + 1h);  // the catalogs follow the held writes
  const feeds::CatalogTopic* tea = pipeline->topics()->find("en", feeds::TopicKind::tag, "tea");
  BOOST_REQUIRE(tea != nullptr);
  const auto topic_feed = pipeline->render_topic(*tea, feeds::FeedFormat::atom, kNow + 1h);
  BOOST_TEST(!pipeline->holds_scan(), "rolled back before the topic was read");
  BOOST_TEST(topic_feed.body.find("English, edited") == std::string::npos);
  BOOST_TEST(committed_title(config) == "English");
  pipeline->commit_held();  // nothing held: nothing happens
  BOOST_TEST(committed_title(config) == "English");

  // Scanned again as usual: committed, and rendered with the catalogs up to date.
  const auto report = pipeline->scan_paths({"en.md"}, kNow + 2h);
  BOOST_TEST(report.applied.changed == 1);
  const auto rendered = pipeline->render(kNow + 2h);
  BOOST_TEST(body_of(rendered, "en/atom.xml").find("English, edited") != std::string::npos);
  tea = pipeline->topics()->find("en", feeds::TopicKind::tag, "tea");
  BOOST_REQUIRE(tea != nullptr);
  const auto again = pipeline->render_topic(*tea, feeds::FeedFormat::atom, kNow + 2h);
  BOOST_TEST(again.body.find("English, edited") != std::string::npos);
  BOOST_TEST(committed_title(config) == "English, edited");
}

BOOST_FIXTURE_TEST_CASE(rolled_back_writes_leave_the_index_as_it_was, Fixture) {
  BOOST_REQUIRE(pipeline->scan_paths_held({"en.md"}, kNow + 1h).has_value());
  pipeline->rollback_held();
  BOOST_TEST(!pipeline->holds_scan());
  BOOST_TEST(committed_title(config) == "English");
  const auto rendered = pipeline->render(kNow + 1h);
  BOOST_TEST(body_of(rendered, "en/atom.xml").find("English, edited") == std::string::npos);
  BOOST_TEST(body_of(rendered, "en/atom.xml").find("English") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
