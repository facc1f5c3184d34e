// The topic catalog kept between regenerations: which published posts have each topic, so
// that adding, removing or replacing a post redoes only the topics it is in (their counts,
// newest keys, digests); catalog() then shares every other topic with the last catalog.
// Given the same posts in any order of add()/remove(), it gives the same catalog as
// TopicCatalog::build. NOT thread-safe (one thread: the indexer); the catalogs it returns are
// immutable. It keeps pointers to the posts it is given: each must stay alive, unchanged,
// until it is removed (or the TopicIndex is gone).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "common/string_hash.h"
#include "feeds/topic_catalog.h"
#include "storage/post.h"

namespace feedd::feeds {

class TopicIndex {
 public:
  // `entries_per_topic` and `salt` as for TopicCatalog::build.
  TopicIndex(std::size_t entries_per_topic, std::string salt);
  // Not copied: dirty_ points into topics_ (a move keeps std::map's nodes, and so those).
  TopicIndex(const TopicIndex&) = delete;
  TopicIndex& operator=(const TopicIndex&) = delete;
  TopicIndex(TopicIndex&&) = default;
  TopicIndex& operator=(TopicIndex&&) = delete;  // its settings are const

  void add(const storage::PostTopics& post);
  // `post` must be the very object added before.
  void remove(const storage::PostTopics& post);
  // The catalog of the posts added and not removed; `gone` as for TopicCatalog::build.
  std::shared_ptr<const TopicCatalog> catalog(const std::vector<storage::PostTopics>& gone);
  // Gives back the room the topics' member lists grew beyond their members (up to half of
  // it, filled one post at a time): worth it after many posts came at once, as at start-up.
  void shrink_to_fit();

 private:
  using Key = std::tuple<std::string, TopicKind, std::string>;  // lang, kind, segment
  struct Member {
    const storage::PostTopics* post;
    // Its spelling of the topic (the first one in the post): which of its names of the
    // topic's kind (a number, not a view: half the size, and members are many).
    std::uint32_t name;
  };
  struct Topic {
    std::vector<Member> members;  // newest first
    std::vector<Tombstone> tombstones;
    std::shared_ptr<const CatalogTopic> built;  // null: to be made
    bool dirty = false;                         // in dirty_
  };
  struct Newer {  // members newest first (feeds/post_order.h)
    bool operator()(const Member& member, const storage::PostTopics* post) const;
  };
  // The topics of `post` (kind, segment, its spelling as Member::name), each once.
  struct Named {
    TopicKind kind;
    const std::string* segment;
    std::uint32_t name;
  };
  std::vector<Named> topics_of(const storage::PostTopics& post);
  const std::string& segment_of(std::string_view name);
  void remove_member(const Key& key, const storage::PostTopics& post);
  void update_tombstones(const std::vector<storage::PostTopics>& gone);
  std::shared_ptr<const CatalogTopic> make(const Key& key, Topic& topic) const;

  const std::size_t entries_;
  const std::string salt_;
  // name -> segment, computed once
  std::unordered_map<std::string, std::string, common::StringHash, std::equal_to<>> segments_;
  using Topics = std::map<Key, Topic>;
  // Marks `topic` as changed since the last catalog.
  void touch(Topics::iterator topic);

  Topics topics_;
  // Topics whose members or tombstones changed (each once: Topic::dirty); a std::map's
  // iterators stay valid until their own element is erased, which only catalog() does. A
  // list, not a set of keys: a store's posts add a topic membership each, millions of set
  // lookups that made a third of filling the topic index.
  std::vector<Topics::iterator> dirty_;
  std::set<Key> tombstoned_;   // topics with tombstones in the last catalog
  TopicCatalog::Topics last_;  // the last catalog's topics, in topics_' order
  bool keys_changed_ = true;   // a topic was added to or erased from topics_ since then
};

}  // namespace feedd::feeds
