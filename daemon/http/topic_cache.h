// The rendered topic feeds kept between requests: per feed path, the resource rendered for one
// digest of its input (feeds::CatalogTopic::digest). (DeltaFeeds keeps its 226 bodies in one
// too: per feed, coding and old version, the body for one current version.) Bounded by `max_bytes`,
// least recently used first out (the newest entry always stays). Thread-safe: one mutex, held for
// lookups and inserts only. Resources are shared: an evicted one lives on with its last reader.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "feeds/snapshot.h"

namespace feedd::daemon {

class TopicCache {
 public:
  explicit TopicCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The resource at `path` rendered for `digest`, or null (none, or one of another digest).
  std::shared_ptr<const feeds::Resource> find(const std::string& path, std::string_view digest);
  // The resource at `path` whatever its digest (an older rendering), or null; not a use.
  std::shared_ptr<const feeds::Resource> any(const std::string& path) const;
  // Keeps `resource` as `path`'s bytes for `digest` (replacing another digest's).
  void insert(const std::string& path, std::string digest,
              std::shared_ptr<const feeds::Resource> resource);

  std::size_t bytes() const;
  std::size_t entries() const;

  // Memory one resource holds: its bodies, and their memfd copies.
  static std::size_t size_of(const feeds::Resource& resource);

 private:
  struct Item {
    std::string path;
    std::string digest;
    std::shared_ptr<const feeds::Resource> resource;
    std::size_t bytes = 0;
  };

  // Fixed after construction.
  const std::size_t max_bytes_;
  // Guarded by mutex_.
  mutable std::mutex mutex_;
  std::list<Item> items_;  // most recently used first
  std::unordered_map<std::string, std::list<Item>::iterator> by_path_;
  std::size_t bytes_ = 0;
};

}  // namespace feedd::daemon
