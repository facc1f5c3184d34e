#include "daemon/http/topic_cache.h"

namespace feedd::daemon {

std::shared_ptr<const feeds::Resource> TopicCache::find(const std::string& path,
                                                        std::string_view digest) {
  const std::lock_guard lock(mutex_);
  auto it = by_path_.find(path);
  if (it == by_path_.end() || it->second->digest != digest) {
    return nullptr;
  }
  items_.splice(items_.begin(), items_, it->second);
  return it->second->resource;
}

std::shared_ptr<const feeds::Resource> TopicCache::any(const std::string& path) const {
  const std::lock_guard lock(mutex_);
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : it->second->resource;
}

void TopicCache::insert(const std::string& path, std::string digest,
                        std::shared_ptr<const feeds::Resource> resource) {
  const std::size_t size = size_of(*resource);
  const std::lock_guard lock(mutex_);
  if (auto it = by_path_.find(path); it != by_path_.end()) {
    bytes_ -= it->second->bytes;
    items_.erase(it->second);
    by_path_.erase(it);
  }
  items_.push_front(Item{path, std::move(digest), std::move(resource), size});
  by_path_.emplace(path, items_.begin());
  bytes_ += size;
  // The newest stays even when it alone is over the bound: it is being served.
  while (bytes_ > max_bytes_ && items_.size() > 1) {
    bytes_ -= items_.back().bytes;
    by_path_.erase(items_.back().path);
    items_.pop_back();
  }
}

std::size_t TopicCache::bytes() const {
  const std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t TopicCache::entries() const {
  const std::lock_guard lock(mutex_);
  return items_.size();
}

std::size_t TopicCache::size_of(const feeds::Resource& resource) {
  std::size_t size = 0;
  for (const auto& representation : resource.representations) {
    if (representation) {
      size += representation->body.size() * (representation->file.fd() >= 0 ? 2 : 1);
    }
  }
  return size;
}

}  // namespace feedd::daemon
