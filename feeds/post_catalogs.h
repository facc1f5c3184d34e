// The light rows of every published post and the topic and archive catalogs made from them,
// kept between regenerations: apply() takes the rows of the posts that may have changed, read
// again, and updates only the topics and archive pages those posts are in (see
// feeds/topic_index.h, feeds/archive_index.h). Built from scratch, it is apply() of every
// row to an empty one, so both ways give the same catalogs, hence the same bytes and ETags.
// An entry also shows its translations (their language, link and title): each row's
// translations_hash stands for the other published posts of its translation_group, so that
// an edit of one post gives new digests to the pages and topic feeds of its translations.
// NOT thread-safe: one thread at a time (it may move between threads, each use ordered after
// the last, as a catalog read's rows are added on a helper thread); the catalogs it returns
// are immutable and may go to any thread. Cannot fail short of memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/string_hash.h"
#include "feeds/archive_index.h"
#include "feeds/topic_index.h"
#include "storage/post.h"

namespace feedd::feeds {

class PostCatalogs {
 public:
  // As for TopicCatalog::build (`topic_entries`, `topic_salt`) and ArchiveCatalog::build.
  PostCatalogs(std::size_t topic_entries, std::string topic_salt, ArchiveCatalog::Options archive);

  // `checked`: keys whose rows were read again; `rows`: those of them that are published
  // now (each key once). A checked key without a row is no longer published. Returns how
  // many posts were added, replaced or removed.
  std::size_t apply(const std::vector<std::string>& checked, std::vector<storage::PostTopics> rows);
  // One published post's row, on one being filled from scratch (a key given again replaces
  // its row); rows newest first, as the index lists them. The catalogs take the rows added
  // when they are next asked for (or apply()), each row's translations known by then.
  void add(storage::PostTopics row);
  // Room for `posts` rows before they are added (no rehashing of a million keys on the way).
  void reserve(std::size_t posts) {
    posts_.reserve(posts);
    rings_.reserve(posts / 2);  // most translated posts come in pairs
    added_.reserve(posts);
  }

  // Gives the catalogs the rows added since they were last asked for, and the posts already
  // in them whose groups those rows joined their new translations_hash. apply(), topics()
  // and archives() do it first; call it where the rows were added (a thread of its own) to
  // do that work there.
  void settle();

  // The catalogs of the posts as applied; `gone` as for TopicCatalog::build.
  std::shared_ptr<const TopicCatalog> topics(const std::vector<storage::PostTopics>& gone);
  std::shared_ptr<const ArchiveCatalog> archives();
  std::size_t size() const { return posts_.size(); }

 private:
  // A published post's row, and its place in the ring of its translation group's posts.
  struct Node {
    explicit Node(storage::PostTopics topics) : row(std::move(topics)) {}
    storage::PostTopics row;
    Node* next = this;  // the next post of its group round the ring; itself when alone
  };
  using Row = std::unique_ptr<Node>;
  // The posts by key, each found by its own row's key: no second copy of the key per post
  // (a map node with a std::string key took 64 bytes a post, a set node takes 32).
  struct KeyOf {
    using is_transparent = void;
    static std::string_view key(std::string_view key) { return key; }
    static std::string_view key(const Row& node) { return node->row.key(); }
    std::size_t operator()(const auto& a) const noexcept { return common::StringHash{}(key(a)); }
    bool operator()(const auto& a, const auto& b) const noexcept { return key(a) == key(b); }
  };
  // The posts of one translation group.
  struct Ring {
    Node* first;
    std::uint64_t sum = 0;  // of their translation_facts(), wrapping
  };

  // Puts `row` (null: none) in the catalogs and in posts_ in the place of `old` (null: a new
  // post; else it is freed).
  void put(Node* old, Row row);
  // Replaces the post of `row`'s key in posts_ (freeing it) by `row`.
  void replace(Row row);
  // Takes `node` into its group's ring (a post of no group stays alone), or out of it.
  void link(Node& node);
  void unlink(Node& node);
  // What `node`'s translations show: the other posts of its ring.
  std::uint64_t translations_hash(const Node& node) const;
  // Gives each post of `groups` the translations_hash its ring gives it now; how many changed.
  std::size_t refresh(const std::unordered_set<std::uint64_t>& groups);

  std::unordered_set<Row, KeyOf, KeyOf> posts_;    // by key
  std::unordered_map<std::uint64_t, Ring> rings_;  // by translation group
  std::vector<Node*> added_;                       // not yet in the catalogs
  TopicIndex topic_index_;
  ArchiveIndex archive_index_;
};

}  // namespace feedd::feeds
