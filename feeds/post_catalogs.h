// The light rows of every published post and the topic and archive catalogs made from them,
// kept between regenerations: apply() takes the rows of the posts that may have changed, read
// again, and updates only the topics and archive pages those posts are in (see
// feeds/topic_index.h, feeds/archive_index.h). Built from scratch, it is apply() of every
// row to an empty one, so both ways give the same catalogs, hence the same bytes and ETags.
// NOT thread-safe (one thread: the indexer); the catalogs it returns are immutable and
// may go to any thread. Cannot fail short of memory.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
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
  // its row); rows newest first, as the index lists them.
  void add(storage::PostTopics row);
  // Room for `posts` rows before they are added (no rehashing of a million keys on the way).
  void reserve(std::size_t posts) { posts_.reserve(posts); }

  // The catalogs of the posts as applied; `gone` as for TopicCatalog::build.
  std::shared_ptr<const TopicCatalog> topics(const std::vector<storage::PostTopics>& gone);
  std::shared_ptr<const ArchiveCatalog> archives() { return archive_index_.catalog(); }
  std::size_t size() const { return posts_.size(); }

 private:
  using Row = std::unique_ptr<const storage::PostTopics>;
  // Puts `row` in the place of `old` (null: a new post); returns whether anything changed.
  bool put(Row& old, Row row);

  std::unordered_map<std::string, Row> posts_;  // by key
  TopicIndex topic_index_;
  ArchiveIndex archive_index_;
};

}  // namespace feedd::feeds
