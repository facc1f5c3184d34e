// The topic catalog: topics per language and for all, spellings of one segment merged, post
// counts, the newest keys per topic, and digests that change only with the topic's own
// entries (so an edit re-renders only the topics of the posts it touched).
#include "feeds/topic_catalog.h"

#include <boost/test/unit_test.hpp>

#include "feeds/feed_digest.h"
#include "tests/support/topic_rows.h"

namespace feedd::feeds {
BOOST_AUTO_TEST_SUITE(topic_catalog_test)

namespace {

// Newest first by key (n3 before n2): same publication time and file, the key decides.
storage::PostTopics post(std::string key, std::string lang, std::vector<std::string> tags,
                         std::vector<std::string> categories = {}, int updated = 1) {
  auto row =
      feedd::testing::topic_row(key, lang, "tag:x,2025:" + key, tags, categories, "posts.md");
  row.updated = std::chrono::sys_seconds(std::chrono::seconds(updated));
  row.published = std::chrono::sys_seconds(std::chrono::seconds(1));
  return row;
}

std::vector<storage::PostTopics> sample() {
  return {post("n3", "en", {"Tea Time", "only english"}, {"Diary"}),
          post("n2", "en", {"tea  time", "TEA TIME"}),  // one topic, counted once
          post("n1", "ja", {"茶道"}, {"日記"}), post("n0", "ja", {"茶道", "  "})};
}

BOOST_AUTO_TEST_CASE(topics_per_language_and_for_all) {
  auto catalog = TopicCatalog::build(sample(), 20);
  const CatalogTopic* tea = catalog->find("en", TopicKind::tag, "tea-time");
  BOOST_REQUIRE(tea);
  BOOST_TEST(tea->posts == 2u);
  BOOST_TEST(tea->topic.name == "Tea Time");  // the newest post's spelling
  BOOST_TEST((tea->keys == std::vector<std::string>{"n3", "n2"}));
  BOOST_TEST(catalog->find("ja", TopicKind::tag, "tea-time") == nullptr);
  BOOST_TEST(catalog->find("", TopicKind::tag, "tea-time")->posts == 2u);
  BOOST_TEST(catalog->find("ja", TopicKind::tag, "茶道")->posts == 2u);
  BOOST_TEST(catalog->find("", TopicKind::tag, "only-english") != nullptr);
  BOOST_TEST(catalog->find("ja", TopicKind::tag, "only-english") == nullptr);
  BOOST_TEST(catalog->find("ja", TopicKind::category, "日記") != nullptr);
  BOOST_TEST(catalog->find("ja", TopicKind::tag, "日記") == nullptr);  // kinds are apart
  BOOST_TEST(catalog->find("ja", TopicKind::tag, "") == nullptr);      // blank names: none
  // Sorted: "" first, then by language, kind, segment.
  const auto& topics = catalog->topics();
  BOOST_TEST(topics.front()->lang == "");
  for (std::size_t i = 1; i < topics.size(); ++i) {
    BOOST_TEST(
        (std::tie(topics[i - 1]->lang, topics[i - 1]->topic.kind, topics[i - 1]->topic.segment) <
         std::tie(topics[i]->lang, topics[i]->topic.kind, topics[i]->topic.segment)));
  }
}

// A topic's name is the spelling its newest post gives it, found among that post's names of
// its kind also when names without a topic ("", ".", "..") or a repeat come before it.
BOOST_AUTO_TEST_CASE(a_topic_is_named_as_its_newest_post_spells_it) {
  const std::vector<storage::PostTopics> posts = {
      post("n9", "en", {"", ".", "green tea", "Green Tea"}, {"..", "", "Diary Two"}),
      post("n8", "en", {"GREEN TEA"}, {"diary two"})};
  const auto catalog = TopicCatalog::build(posts, 20);
  const CatalogTopic* tea = catalog->find("en", TopicKind::tag, "green-tea");
  BOOST_REQUIRE(tea);
  BOOST_TEST(tea->topic.name == "green tea");
  BOOST_TEST(tea->posts == 2u);
  const CatalogTopic* diary = catalog->find("", TopicKind::category, "diary-two");
  BOOST_REQUIRE(diary);
  BOOST_TEST(diary->topic.name == "Diary Two");
}

BOOST_AUTO_TEST_CASE(posts_gone_are_tombstones_of_their_topics_that_remain) {
  const auto before = TopicCatalog::build(sample(), 20);
  const std::vector<storage::PostTopics> gone = {
      post("g2", "en", {"Tea Time", "gone only"}, {}, 50),
      post("g1", "ja", {"茶道"}, {"Diary"}, 40)};
  const auto catalog = TopicCatalog::build(sample(), 20, {}, gone);
  const CatalogTopic* tea = catalog->find("en", TopicKind::tag, "tea-time");
  BOOST_REQUIRE(tea);
  BOOST_REQUIRE_EQUAL(tea->tombstones.size(), 1u);
  BOOST_TEST(tea->tombstones[0].id == "tag:x,2025:g2");
  BOOST_TEST((tea->tombstones[0].when == std::chrono::sys_seconds(std::chrono::seconds(50))));
  BOOST_TEST(tea->posts == 2u, "a tombstone is no post");
  BOOST_TEST(tea->digest != before->find("en", TopicKind::tag, "tea-time")->digest);
  BOOST_TEST(catalog->find("", TopicKind::tag, "tea-time")->tombstones.size() == 1u);
  BOOST_TEST(catalog->find("ja", TopicKind::tag, "茶道")->tombstones.size() == 1u);
  BOOST_TEST(catalog->find("", TopicKind::tag, "gone-only") == nullptr, "no topic of its own");
  BOOST_TEST(catalog->find("en", TopicKind::category, "diary")->tombstones.empty(),
             "another language's category");
  BOOST_TEST(catalog->find("", TopicKind::category, "diary")->tombstones.size() == 1u);
  BOOST_TEST(catalog->find("en", TopicKind::tag, "only-english")->digest ==
             before->find("en", TopicKind::tag, "only-english")->digest);
  BOOST_TEST(TopicCatalog::build(sample(), 20, {}, gone)
                 ->find("", TopicKind::tag, "tea-time")
                 ->tombstones.size() == 1u);
}

BOOST_AUTO_TEST_CASE(keys_are_limited_to_the_newest) {
  auto catalog = TopicCatalog::build(sample(), 1);
  const CatalogTopic* tea = catalog->find("en", TopicKind::tag, "tea-time");
  BOOST_TEST(tea->posts == 2u);
  BOOST_TEST((tea->keys == std::vector<std::string>{"n3"}));
}

BOOST_AUTO_TEST_CASE(digest_follows_only_the_topics_own_entries) {
  auto before = TopicCatalog::build(sample(), 20);
  auto edited_posts = sample();
  edited_posts[0].updated = std::chrono::sys_seconds(std::chrono::seconds(99));  // n3 edited
  auto after = TopicCatalog::build(edited_posts, 20);
  auto digest = [](const auto& catalog, const char* lang, TopicKind kind, const char* segment) {
    return catalog->find(lang, kind, segment)->digest;
  };
  BOOST_TEST(digest(before, "en", TopicKind::tag, "tea-time") !=
             digest(after, "en", TopicKind::tag, "tea-time"));
  BOOST_TEST(digest(before, "en", TopicKind::category, "diary") !=
             digest(after, "en", TopicKind::category, "diary"));
  BOOST_TEST(digest(before, "ja", TopicKind::tag, "茶道") ==
             digest(after, "ja", TopicKind::tag, "茶道"));
  BOOST_TEST(digest(before, "", TopicKind::tag, "茶道") ==
             digest(after, "", TopicKind::tag, "茶道"));
  // Same input, same digest; and the language and all-languages topics differ.
  BOOST_TEST(digest(before, "ja", TopicKind::tag, "茶道") ==
             digest(TopicCatalog::build(sample(), 20), "ja", TopicKind::tag, "茶道"));
  BOOST_TEST(digest(before, "ja", TopicKind::tag, "茶道") !=
             digest(before, "", TopicKind::tag, "茶道"));
}

BOOST_AUTO_TEST_CASE(site_options_are_part_of_every_digest) {
  // A reload that changes a language title must not serve bytes cached under the old one.
  SiteOptions site;
  site.base_url = "https://x/";
  site.languages = {{"en", "Blog", ""}};
  SiteOptions retitled = site;
  retitled.languages[0].title = "Blog, renamed";
  BOOST_TEST(site_digest(site) != site_digest(retitled));
  auto before = TopicCatalog::build(sample(), 20, site_digest(site));
  auto after = TopicCatalog::build(sample(), 20, site_digest(retitled));
  BOOST_TEST(before->find("en", TopicKind::tag, "tea-time")->digest !=
             after->find("en", TopicKind::tag, "tea-time")->digest);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::feeds
