// The archive catalog kept between regenerations: each scope's published posts oldest first,
// so that adding or removing a post redoes only the pages from its position on, and
// replacing a post in place (same place in the order, same language: an edit) only its own
// page; catalog() shares every other page with the last catalog. Given the same posts in any
// order of add()/remove()/replace(), it gives the same catalog as ArchiveCatalog::build. NOT
// thread-safe (one thread: the indexer); the catalogs it returns are immutable. It keeps
// pointers to the posts it is given: each must stay alive, unchanged, until it is removed or
// replaced (or the ArchiveIndex is gone).
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "feeds/archive_catalog.h"
#include "storage/post.h"

namespace feedd::feeds {

class ArchiveIndex {
 public:
  explicit ArchiveIndex(ArchiveCatalog::Options options);

  void add(const storage::PostTopics& post);
  // `post` must be the very object added before.
  void remove(const storage::PostTopics& post);
  // `now` takes the place of `old` (added before), with the same lang, published,
  // source_path, position and key.
  void replace(const storage::PostTopics& old, const storage::PostTopics& now);
  std::shared_ptr<const ArchiveCatalog> catalog();

 private:
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  struct Scope {
    std::string lang;                               // "" for all languages
    std::vector<const storage::PostTopics*> posts;  // oldest first
    std::vector<const storage::PostTopics*> added;  // not yet in `posts`
    std::size_t moved_from = kNone;                 // first position added or removed
    std::set<std::size_t> replaced;                 // positions replaced in place
    ArchiveCatalog::Pages pages;
  };
  bool holds(const Scope& scope, const storage::PostTopics& post) const;
  void merge_added(Scope& scope);
  std::shared_ptr<const ArchivePage> make_page(const Scope& scope, std::size_t index,
                                               std::size_t count) const;
  void update_pages(Scope& scope);

  ArchiveCatalog::Options options_;
  std::vector<Scope> scopes_;
};

}  // namespace feedd::feeds
