// PostCatalogs kept up to date from changed rows (adds, removals, edits in place, moves in
// the order, new tags, another language, tombstones, translations that come, change and go)
// equals PostCatalogs made from scratch from the same rows: every topic and every archive
// page, field for field, after every batch of a long seeded sequence of changes.
#include "feeds/post_catalogs.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <random>

#include "tests/support/topic_rows.h"

namespace feedd::feeds {
BOOST_AUTO_TEST_SUITE(post_catalogs_test)

namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

ArchiveCatalog::Options archive_options() {
  ArchiveCatalog::Options options;
  options.langs = {"ja", "en"};
  options.entries = 5;
  options.page_size = 7;
  options.salt = "salt";
  return options;
}

PostCatalogs empty() { return PostCatalogs(3, "salt", archive_options()); }

std::string describe(const CatalogTopic& topic) {
  std::string out = topic.lang + "|" + topic.topic.name + "|" + topic.topic.segment + "|" +
                    std::to_string(topic.posts) + "|" + topic.digest + "|" +
                    std::to_string(topic.last_modified.time_since_epoch().count());
  for (const auto& key : topic.keys) {
    out += "," + key;
  }
  for (const auto& tombstone : topic.tombstones) {
    out += ";" + tombstone.id;
  }
  return out;
}

std::string describe(const ArchivePage& page) {
  std::string out = page.lang + "|" + std::to_string(page.number) + "|" +
                    (page.has_next ? "next" : "last") + "|" + page.digest + "|" +
                    std::to_string(page.last_modified.time_since_epoch().count());
  for (const std::string_view key : page.keys) {
    out += ",";
    out += key;
  }
  return out;
}

std::vector<std::string> describe(const TopicCatalog& topics, const ArchiveCatalog& archives) {
  std::vector<std::string> all;
  for (const auto& topic : topics.topics()) {
    all.push_back(describe(*topic));
  }
  for (const ArchivePage* page : archives.pages()) {
    all.push_back(describe(*page));
  }
  return all;
}

class Store {
 public:
  storage::PostTopics random_post(const std::string& key) {
    static const std::vector<std::string> names = {"Tea Time", "tea time", "茶道", "Rust", "Go",
                                                   "日記",     "A B",      "a-b",  ".",    ""};
    const std::string lang = pick(2) == 0 ? "ja" : "en";
    const auto updated = sys_seconds(seconds(pick(1000)));
    std::vector<std::string> tags;
    for (int i = pick(4); i > 0; --i) {
      tags.push_back(names[pick(names.size())]);
    }
    std::vector<std::string> categories;
    if (pick(3) == 0) {
      categories.push_back(names[pick(names.size())]);
    }
    const auto published = sys_seconds(seconds(pick(50)));  // ties: path, position, key decide
    const std::string source_path = "p" + std::to_string(pick(3)) + ".md";
    auto post = feedd::testing::topic_row(key, lang, "tag:x:" + key, tags, categories, source_path);
    post.updated = updated;
    post.published = published;
    post.position = static_cast<int>(pick(2));
    post.visible_hash = pick(1u << 30);
    post.translation_group = pick(3) == 0 ? 0 : 1 + pick(25);  // ~2 posts a group
    return post;
  }
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

 private:
  std::mt19937 rng_{20261130};
};

}  // namespace

BOOST_AUTO_TEST_CASE(changes_applied_equal_a_build_from_scratch) {
  Store store;
  std::map<std::string, storage::PostTopics> rows;  // the published posts now
  std::vector<storage::PostTopics> gone;
  PostCatalogs followed = empty();
  for (int batch = 0; batch < 60; ++batch) {
    std::vector<std::string> checked;
    for (int change = 0; change < 6; ++change) {
      const std::string key = "k" + std::to_string(store.pick(80));
      checked.push_back(key);
      auto it = rows.find(key);
      if (it != rows.end() && store.pick(4) == 0) {  // removed: a tombstone
        storage::PostTopics went = it->second;
        went.updated = sys_seconds(seconds(2000 + batch));
        gone.insert(gone.begin(), went);
        rows.erase(it);
      } else if (it != rows.end() && store.pick(3) == 0) {
        // read again unchanged (an edit the catalogs do not show)
      } else if (it != rows.end() && store.pick(2) == 0) {  // edited in place
        it->second.updated = sys_seconds(seconds(1000 + batch));
        it->second.visible_hash = store.pick(1u << 30);
      } else {
        rows[key] = store.random_post(key);
      }
    }
    std::vector<storage::PostTopics> changed;
    for (const auto& key : checked) {
      if (auto it = rows.find(key); it != rows.end()) {
        changed.push_back(it->second);
      }
    }
    std::sort(changed.begin(), changed.end(),
              [](const auto& a, const auto& b) { return a.key() < b.key(); });
    changed.erase(std::unique(changed.begin(), changed.end(),
                              [](const auto& a, const auto& b) { return a.key() == b.key(); }),
                  changed.end());
    followed.apply(checked, changed);
    auto got = describe(*followed.topics(gone), *followed.archives());
    PostCatalogs fresh = empty();
    for (const auto& [key, row] : rows) {
      fresh.add(row);
    }
    auto expected = describe(*fresh.topics(gone), *fresh.archives());
    BOOST_TEST_CONTEXT("batch " << batch) {
      BOOST_TEST(got == expected, boost::test_tools::per_element());
    }
  }
  BOOST_TEST(followed.size() == rows.size());
  BOOST_TEST(followed.archives()->page_count() > 0u);
}

// Rows added one by one, keys given again while filling and after the catalogs were asked
// for (posts already in them gain partners), give at each point the catalogs of each key's
// last row added at once.
BOOST_AUTO_TEST_CASE(rows_added_again_and_late_equal_a_build_from_scratch) {
  Store store;
  std::map<std::string, storage::PostTopics> rows;
  PostCatalogs filled = empty();
  for (int n = 1; n <= 400; ++n) {
    const std::string key = "k" + std::to_string(store.pick(n < 200 ? 60 : 120));
    rows[key] = store.random_post(key);
    filled.add(rows[key]);
    if (n % 40 == 0) {
      PostCatalogs fresh = empty();
      for (const auto& [k, row] : rows) {
        fresh.add(row);
      }
      BOOST_TEST_CONTEXT("after " << n << " rows") {
        BOOST_TEST(filled.size() == rows.size());
        BOOST_TEST(describe(*filled.topics({}), *filled.archives()) ==
                       describe(*fresh.topics({}), *fresh.archives()),
                   boost::test_tools::per_element());
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::feeds
