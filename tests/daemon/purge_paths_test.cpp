// Which paths a new snapshot changed, for [cache] purge: changed and vanished resources, and
// the feeds of topics whose digest changed or that went away; nothing else.
#include "daemon/live/purge_paths.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "feeds/archive_catalog.h"
#include "feeds/feed_info.h"
#include "feeds/topic_catalog.h"
#include "tests/support/topic_rows.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(purge_paths_test)

namespace {

using std::chrono::sys_seconds;
const sys_seconds kBuilt{std::chrono::seconds(1740787200)};

std::shared_ptr<const feeds::Snapshot> snapshot(
    const std::vector<std::pair<std::string, std::string>>& bodies, const feeds::Snapshot* previous,
    std::shared_ptr<const feeds::TopicCatalog> topics,
    std::shared_ptr<const feeds::ArchiveCatalog> archives = nullptr) {
  std::vector<feeds::ResourceSource> sources;
  for (const auto& [path, body] : bodies) {
    sources.push_back({path, "text/plain", body, kBuilt, false});
  }
  return feeds::Snapshot::build(std::move(sources), kBuilt, previous ? 2 : 1, previous, {}, {},
                                std::move(topics), std::move(archives));
}

storage::PostTopics topic_post(std::string key, std::string tag, std::int64_t updated) {
  auto row = testing::topic_row(key, "en", "tag:" + key, {std::move(tag)});
  row.updated = sys_seconds(std::chrono::seconds(updated));
  return row;
}

}  // namespace

BOOST_AUTO_TEST_CASE(only_what_changed_is_purged) {
  auto topics = feeds::TopicCatalog::build(
      {topic_post("a", "Tea Time", 100), topic_post("b", "茶道", 90), topic_post("c", "Gone", 80)},
      20);
  auto first =
      snapshot({{"/atom.xml", "1"}, {"/en/atom.xml", "1"}, {"/old.xml", "x"}}, nullptr, topics);
  // Same bytes everywhere: nothing to purge.
  auto same =
      snapshot({{"/atom.xml", "1"}, {"/en/atom.xml", "1"}, {"/old.xml", "x"}}, first.get(), topics);
  BOOST_TEST(changed_paths(*first, *same).empty());
  // /atom.xml changed, /old.xml went away, the tea-time topic's entry changed, "gone" went.
  auto edited = feeds::TopicCatalog::build(
      {topic_post("a", "Tea Time", 200), topic_post("b", "茶道", 90)}, 20);
  auto next = snapshot({{"/atom.xml", "2"}, {"/en/atom.xml", "1"}}, same.get(), edited);
  const std::vector<std::string> expected = {
      "/atom.xml",
      "/en/tags/gone/atom.xml",
      "/en/tags/gone/feed.json",
      "/en/tags/gone/rss.xml",
      "/en/tags/tea-time/atom.xml",
      "/en/tags/tea-time/feed.json",
      "/en/tags/tea-time/rss.xml",
      "/old.xml",
      "/tags/gone/atom.xml",
      "/tags/gone/feed.json",
      "/tags/gone/rss.xml",
      "/tags/tea-time/atom.xml",
      "/tags/tea-time/feed.json",
      "/tags/tea-time/rss.xml",
  };
  BOOST_TEST(changed_paths(*same, *next) == expected, boost::test_tools::per_element());
}

// Archive pages, rendered on request like topic feeds: the pages (of the language and of all
// languages) whose digest changed, and those that went away.
BOOST_AUTO_TEST_CASE(archive_pages_that_changed_or_went_are_purged) {
  feeds::ArchiveCatalog::Options options;
  options.langs = {"en"};
  options.entries = 1;
  options.page_size = 1;
  const auto archives = [&](std::int64_t b_updated, bool with_d) {
    std::vector<storage::PostTopics> posts = {topic_post("a", "T", 100), topic_post("b", "T", 90),
                                              topic_post("c", "T", 80)};
    if (with_d) {
      posts.push_back(topic_post("d", "T", 70));
    }
    posts[1].updated = sys_seconds(std::chrono::seconds(b_updated));
    return feeds::ArchiveCatalog::build(posts, options);
  };
  auto topics = feeds::TopicCatalog::build({}, 20);
  auto first = snapshot({{"/atom.xml", "1"}}, nullptr, topics, archives(90, true));
  auto same = snapshot({{"/atom.xml", "1"}}, first.get(), topics, archives(90, true));
  BOOST_TEST(changed_paths(*first, *same).empty());
  // b edited (its page's digest changes); d deleted (the last page goes, the one before it
  // has no next page any more).
  auto next = snapshot({{"/atom.xml", "1"}}, same.get(), topics, archives(95, false));
  const auto paths = changed_paths(*same, *next);
  BOOST_TEST(!paths.empty());
  const auto purged = [&paths](const std::string& path) {
    return std::find(paths.begin(), paths.end(), path) != paths.end();
  };
  for (const std::string lang : {"", "en"}) {
    for (std::size_t page = 1; page <= same->archives().newest_page(lang); ++page) {
      const auto* before = same->archives().page(lang, page);
      const auto* after = next->archives().page(lang, page);
      const bool changed = after == nullptr || after->digest != before->digest;
      const std::string path = "/" + feeds::archive_path(lang, page);
      BOOST_TEST(purged(path) == changed, path);
    }
  }
  BOOST_TEST(purged("/en/archive/3.xml"));   // gone
  BOOST_TEST(!purged("/en/archive/1.xml"));  // a alone, the oldest: unchanged
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
