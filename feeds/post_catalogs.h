// The light rows of every published post and the topic and archive catalogs made from them,
// kept between regenerations: apply() takes the rows of the posts that may have changed, read
// again, and updates only the topics and archive pages those posts are in (see
// feeds/topic_index.h, feeds/archive_index.h). Built from scratch, it is apply() of every
// row to an empty one, so both ways give the same catalogs, hence the same bytes and ETags.
// An entry also shows its translations (their language, link and title): each row's
// translations_hash stands for the other published posts of its translation_group, so that
// an edit of one post gives new digests to the pages and topic feeds of its translations.
// NOT thread-safe (one thread: the indexer); the catalogs it returns are immutable and
// may go to any thread. Cannot fail short of memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

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
    added_.reserve(posts);
  }

  // The catalogs of the posts as applied; `gone` as for TopicCatalog::build.
  std::shared_ptr<const TopicCatalog> topics(const std::vector<storage::PostTopics>& gone);
  std::shared_ptr<const ArchiveCatalog> archives();
  std::size_t size() const { return posts_.size(); }

 private:
  // A row, its translations_hash set before the catalogs see it and never changed after.
  using Row = std::unique_ptr<storage::PostTopics>;
  using Slot = std::pair<const std::string, Row>;  // of posts_
  // The published posts of one translation_group.
  struct Group {
    std::uint64_t sum = 0;                    // of their translation_facts(), wrapping
    std::vector<const std::string*> members;  // their keys, as posts_ holds them
  };

  // Puts `row` in the place of `old` (null: a new post); returns whether anything changed.
  bool put(Row& old, Row row);
  // Counts `row` (of `slot`) in its group, or no longer; returns the group (0: none).
  std::uint64_t join(const Slot& slot, const storage::PostTopics& row);
  std::uint64_t leave(const Slot& slot, const storage::PostTopics& row);
  // What `row`'s translations show, from the other posts of its group as joined now.
  std::uint64_t translations_hash(const storage::PostTopics& row) const;
  // The rows of `groups` whose translations_hash is no longer theirs, replaced; how many.
  std::size_t refresh(const std::unordered_set<std::uint64_t>& groups);
  // Gives the catalogs the rows added since they were last asked for.
  void settle();

  std::unordered_map<std::string, Row> posts_;  // by key
  std::unordered_map<std::uint64_t, Group> groups_;
  std::vector<Slot*> added_;  // not yet in the catalogs
  TopicIndex topic_index_;
  ArchiveIndex archive_index_;
};

}  // namespace feedd::feeds
