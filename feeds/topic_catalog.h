// Which topics (tags, categories) the published posts have, per language and for all, with
// post counts, the keys of each topic's newest posts and a digest of what its feed shows of
// them (entry ids, updated times): made from light rows (storage::PostTopics) at each
// regeneration, by feeds::TopicIndex, which keeps them and redoes only the topics of the
// posts that changed; topic feeds are rendered only on request and stay valid while their
// digest does. Immutable once built (share as shared_ptr<const TopicCatalog>; its topics are
// shared with the next catalog while unchanged); cannot fail short of memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feeds/entry.h"
#include "feeds/topic.h"
#include "storage/post.h"

namespace feedd::feeds {

struct CatalogTopic {
  std::string lang;  // a configured language, or "" for all languages
  FeedTopic topic;
  std::size_t posts = 0;          // published posts that have it
  std::vector<std::string> keys;  // the newest of them, newest first, at most entries_per_topic
  std::string digest;  // of lang, topic, each key's entry id and updated time, in order, and
                       // the tombstones
  std::chrono::sys_seconds last_modified{};  // the newest updated time of `keys`' posts
  // Posts with the topic that went away (RFC 6721), newest first, at most entries_per_topic.
  std::vector<Tombstone> tombstones = {};
};

class TopicCatalog {
 public:
  using Topics = std::vector<std::shared_ptr<const CatalogTopic>>;

  // `topics` sorted as topics() says, none null.
  explicit TopicCatalog(Topics topics) : topics_(std::move(topics)) {}

  // `posts`: every published post (the catalog orders them, see feeds/post_order.h). Names
  // whose segment is empty, "." or ".." name no topic. `salt` goes into every digest: what
  // else the feeds' bytes depend on (feeds::site_digest()). `gone`: posts that went away
  // and keep a tombstone, newest first, `updated` holding when they went; each is a
  // tombstone of the topics it had that still have a published post. The same as a
  // TopicIndex given every post.
  static std::shared_ptr<const TopicCatalog> build(
      const std::vector<storage::PostTopics>& posts, std::size_t entries_per_topic,
      std::string_view salt = {}, const std::vector<storage::PostTopics>& gone = {});

  // The topic, or null when no published post of `lang` ("" for all) has it.
  const CatalogTopic* find(std::string_view lang, TopicKind kind, std::string_view segment) const;
  // Every topic, sorted by language ("" first), kind (tags first), then segment.
  const Topics& topics() const { return topics_; }

 private:
  Topics topics_;
};

}  // namespace feedd::feeds
