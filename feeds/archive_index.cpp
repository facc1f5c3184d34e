#include "feeds/archive_index.h"

#include <algorithm>
#include <utility>

#include "common/sha256.h"
#include "feeds/post_order.h"

namespace feedd::feeds {
namespace {

using Row = const storage::PostTopics*;

bool older(Row a, Row b) { return newer(*b, *a); }

}  // namespace

ArchiveIndex::ArchiveIndex(ArchiveCatalog::Options options) : options_(std::move(options)) {
  options_.page_size = std::max<std::size_t>(options_.page_size, 1);
  for (const std::string& lang : options_.langs) {
    scopes_.push_back(Scope{lang, {}, {}, kNone, {}, {}});
  }
  scopes_.push_back(Scope{"", {}, {}, kNone, {}, {}});
}

bool ArchiveIndex::holds(const Scope& scope, const storage::PostTopics& post) const {
  return scope.lang.empty() || scope.lang == post.lang();
}

void ArchiveIndex::add(const storage::PostTopics& post) {
  for (Scope& scope : scopes_) {
    if (holds(scope, post)) {
      scope.added.push_back(&post);
    }
  }
}

void ArchiveIndex::remove(const storage::PostTopics& post) {
  for (Scope& scope : scopes_) {
    if (!holds(scope, post)) {
      continue;
    }
    if (auto it = std::find(scope.added.begin(), scope.added.end(), &post);
        it != scope.added.end()) {
      scope.added.erase(it);
      continue;
    }
    auto at = std::lower_bound(scope.posts.begin(), scope.posts.end(), &post, older);
    if (at != scope.posts.end() && *at == &post) {
      scope.moved_from =
          std::min(scope.moved_from, static_cast<std::size_t>(at - scope.posts.begin()));
      scope.posts.erase(at);
    }
  }
}

void ArchiveIndex::replace(const storage::PostTopics& old, const storage::PostTopics& now) {
  for (Scope& scope : scopes_) {
    if (!holds(scope, old)) {
      continue;
    }
    if (auto it = std::find(scope.added.begin(), scope.added.end(), &old);
        it != scope.added.end()) {
      *it = &now;
      continue;
    }
    auto at = std::lower_bound(scope.posts.begin(), scope.posts.end(), &old, older);
    if (at != scope.posts.end() && *at == &old) {
      *at = &now;
      scope.replaced.insert(static_cast<std::size_t>(at - scope.posts.begin()));
    }
  }
}

void ArchiveIndex::merge_added(Scope& scope) {
  if (scope.added.empty()) {
    return;
  }
  // A few (an edit): each into its place. Many (a whole store, newest first): sorted at once.
  if (scope.added.size() <= 64) {
    for (Row post : scope.added) {
      auto at = std::lower_bound(scope.posts.begin(), scope.posts.end(), post, older);
      scope.moved_from =
          std::min(scope.moved_from, static_cast<std::size_t>(at - scope.posts.begin()));
      scope.posts.insert(at, post);
    }
  } else {
    std::reverse(scope.added.begin(), scope.added.end());
    scope.posts.insert(scope.posts.end(), scope.added.begin(), scope.added.end());
    if (!std::is_sorted(scope.posts.begin(), scope.posts.end(), older)) {
      std::sort(scope.posts.begin(), scope.posts.end(), older);
    }
    scope.moved_from = 0;
    std::vector<Row>().swap(scope.added);  // a whole store's worth of room, not needed again
  }
  scope.added.clear();
}

std::shared_ptr<const ArchivePage> ArchiveIndex::make_page(const Scope& scope, std::size_t index,
                                                           std::size_t count) const {
  auto page = std::make_shared<ArchivePage>();
  page->lang = scope.lang;
  page->number = index + 1;
  page->has_next = index + 1 < count;
  const std::size_t begin = index * options_.page_size;
  const std::size_t end = std::min(scope.posts.size(), begin + options_.page_size);
  std::size_t bytes = 0;
  for (std::size_t i = begin; i < end; ++i) {
    bytes += scope.posts[i]->key().size();
  }
  page->keys.reserve(end - begin, bytes);
  common::Sha256 hash;
  hash.field(options_.salt).field(scope.lang).field(std::to_string(page->number));
  hash.field(page->has_next ? "next" : "last");
  for (std::size_t i = begin; i < end; ++i) {
    const storage::PostTopics& post = *scope.posts[i];
    page->keys.push_back(post.key());
    page->last_modified = std::max(page->last_modified, post.updated);
    hash.field(post.key()).field(post.entry_id());
    hash.field(std::to_string(post.updated.time_since_epoch().count()));
    hash.field(std::to_string(post.visible_hash)).field(std::to_string(post.translations_hash));
  }
  page->digest = hash.hex();
  return page;
}

void ArchiveIndex::update_pages(Scope& scope) {
  merge_added(scope);
  const std::size_t size = scope.posts.size();
  // Complete (everything is in the subscription feed): no pages.
  const std::size_t count =
      size <= options_.entries ? 0 : (size + options_.page_size - 1) / options_.page_size;
  const std::size_t before = scope.pages.size();
  std::size_t first = scope.moved_from == kNone ? count : scope.moved_from / options_.page_size;
  if (count != before) {  // the last page of the two says has_next differently now
    const std::size_t both = std::min(count, before);
    first = std::min(first, both == 0 ? 0 : both - 1);
  }
  scope.pages.resize(count);
  for (std::size_t n = first; n < count; ++n) {
    scope.pages[n] = make_page(scope, n, count);
  }
  std::size_t made = kNone;
  for (std::size_t position : scope.replaced) {  // ascending
    const std::size_t n = position / options_.page_size;
    if (n < first && n < count && n != made) {
      scope.pages[n] = make_page(scope, n, count);
      made = n;
    }
  }
  scope.moved_from = kNone;
  scope.replaced.clear();
}

std::shared_ptr<const ArchiveCatalog> ArchiveIndex::catalog() {
  std::vector<ArchiveCatalog::Scope> scopes;
  scopes.reserve(scopes_.size());
  for (Scope& scope : scopes_) {
    update_pages(scope);
    scopes.push_back(ArchiveCatalog::Scope{scope.lang, scope.pages});
  }
  return std::make_shared<const ArchiveCatalog>(std::move(scopes));
}

}  // namespace feedd::feeds
