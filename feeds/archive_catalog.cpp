#include "feeds/archive_catalog.h"

#include <algorithm>

#include "feeds/archive_index.h"

namespace feedd::feeds {

std::shared_ptr<const ArchiveCatalog> ArchiveCatalog::build(
    const std::vector<storage::PostTopics>& posts, const Options& options) {
  ArchiveIndex index(options);
  for (const storage::PostTopics& post : posts) {
    index.add(post);
  }
  return index.catalog();
}

const ArchiveCatalog::Scope* ArchiveCatalog::scope(std::string_view lang) const {
  auto it = std::find_if(scopes_.begin(), scopes_.end(),
                         [&](const Scope& scope) { return scope.lang == lang; });
  return it == scopes_.end() ? nullptr : &*it;
}

std::size_t ArchiveCatalog::newest_page(std::string_view lang) const {
  const Scope* found = scope(lang);
  return found == nullptr ? 0 : found->pages.size();
}

const ArchivePage* ArchiveCatalog::page(std::string_view lang, std::size_t number) const {
  const Scope* found = scope(lang);
  if (found == nullptr || number == 0 || number > found->pages.size()) {
    return nullptr;
  }
  return found->pages[number - 1].get();
}

std::size_t ArchiveCatalog::page_count() const {
  std::size_t count = 0;
  for (const Scope& scope : scopes_) {
    count += scope.pages.size();
  }
  return count;
}

std::vector<const ArchivePage*> ArchiveCatalog::pages() const {
  std::vector<const ArchivePage*> all;
  for (const Scope& scope : scopes_) {
    for (const auto& page : scope.pages) {
      all.push_back(page.get());
    }
  }
  return all;
}

}  // namespace feedd::feeds
