// feed_digest must change with every field rendering reads, or an edit would not reach
// readers: each mutation below must give a new digest.
#include "feeds/feed_digest.h"

#include <boost/test/unit_test.hpp>
#include <functional>
#include <set>

namespace feedd::feeds {
BOOST_AUTO_TEST_SUITE(feed_digest_test)

namespace {

FeedContent sample() {
  Entry entry;
  entry.post.key = "k";
  entry.post.title = "T";
  entry.post.lang = "en";
  entry.post.tags = {"a"};
  entry.id = "tag:x,2025-01-01:k";
  entry.url = "https://x/k.html";
  entry.translations = {{"ja", "https://x/j.html", "J"}};
  FeedContent feed;
  feed.lang = "en";
  feed.entries = {entry};
  return feed;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_rendered_field_changes_the_digest) {
  using Mutation = std::function<void(Entry&)>;
  const std::vector<std::pair<const char*, Mutation>> mutations = {
      {"key", [](Entry& e) { e.post.key += "x"; }},
      {"source_path", [](Entry& e) { e.post.source_path += "x"; }},
      {"source_line", [](Entry& e) { ++e.post.source_line; }},
      {"position", [](Entry& e) { ++e.post.position; }},
      {"format", [](Entry& e) { e.post.format = storage::SourceFormat::mt_export; }},
      {"lang", [](Entry& e) { e.post.lang = "ja"; }},
      {"title", [](Entry& e) { e.post.title += "x"; }},
      {"content_html", [](Entry& e) { e.post.content_html += "x"; }},
      {"summary", [](Entry& e) { e.post.summary += "x"; }},
      {"url", [](Entry& e) { e.post.url += "x"; }},
      {"slug", [](Entry& e) { e.post.slug += "x"; }},
      {"author", [](Entry& e) { e.post.author += "x"; }},
      {"tags", [](Entry& e) { e.post.tags.push_back("b"); }},
      {"categories", [](Entry& e) { e.post.categories.push_back("c"); }},
      {"published", [](Entry& e) { e.post.published += std::chrono::seconds(1); }},
      {"updated", [](Entry& e) { e.post.updated = std::chrono::sys_seconds{}; }},
      {"local_date", [](Entry& e) { e.post.local_date += "x"; }},
      {"draft", [](Entry& e) { e.post.draft = true; }},
      {"translation_key", [](Entry& e) { e.post.translation_key += "x"; }},
      {"previous_title", [](Entry& e) { e.post.previous_title += "x"; }},
      {"next_title", [](Entry& e) { e.post.next_title += "x"; }},
      {"entry id", [](Entry& e) { e.id += "x"; }},
      {"entry url", [](Entry& e) { e.url += "x"; }},
      {"entry updated", [](Entry& e) { e.updated += std::chrono::seconds(1); }},
      {"translation title", [](Entry& e) { e.translations[0].title += "x"; }},
      {"translation url", [](Entry& e) { e.translations[0].url += "x"; }},
      {"translation added",
       [](Entry& e) {
         e.translations.push_back({"fr", "u", "t"});
       }},
  };
  std::set<std::string> seen{feed_digest(sample())};
  for (const auto& [name, mutate] : mutations) {
    auto feed = sample();
    mutate(feed.entries[0]);
    BOOST_TEST(seen.insert(feed_digest(feed)).second, name << " did not change the digest");
  }
  // Field boundaries count: ("ab", "c") is not ("a", "bc").
  auto a = sample();
  a.entries[0].post.title = "ab";
  a.entries[0].post.content_html = "c";
  auto b = sample();
  b.entries[0].post.title = "a";
  b.entries[0].post.content_html = "bc";
  BOOST_TEST(feed_digest(a) != feed_digest(b));
  BOOST_TEST(feed_digest(sample()) == feed_digest(sample()));
}

BOOST_AUTO_TEST_CASE(the_topic_changes_the_digest) {
  FeedContent plain = sample();
  FeedContent tagged = sample();
  tagged.topic = FeedTopic{TopicKind::tag, "A", "a"};
  FeedContent category = tagged;
  category.topic->kind = TopicKind::category;
  FeedContent renamed = tagged;
  renamed.topic->name = "a";
  const std::set<std::string> digests = {feed_digest(plain), feed_digest(tagged),
                                         feed_digest(category), feed_digest(renamed)};
  BOOST_TEST(digests.size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::feeds
