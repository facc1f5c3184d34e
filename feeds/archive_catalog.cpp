#include "feeds/archive_catalog.h"

#include <algorithm>

#include "common/sha256.h"

namespace feedd::feeds {
namespace {

// The pages of one language's posts (`oldest_first`, indexes into `posts`).
std::vector<ArchivePage> paginate(const std::vector<TopicPost>& posts,
                                  const std::vector<std::uint32_t>& oldest_first,
                                  const std::string& lang, const ArchiveCatalog::Options& options) {
  std::vector<ArchivePage> pages;
  if (oldest_first.size() <= options.entries) {
    return pages;  // complete: everything is in the subscription feed
  }
  const std::size_t size = std::max<std::size_t>(options.page_size, 1);
  const std::size_t count = (oldest_first.size() + size - 1) / size;
  pages.reserve(count);
  for (std::size_t n = 0; n < count; ++n) {
    ArchivePage page;
    page.lang = lang;
    page.number = n + 1;
    page.has_next = n + 1 < count;
    const std::size_t end = std::min(oldest_first.size(), (n + 1) * size);
    page.keys.reserve(end - n * size);
    common::Sha256 hash;
    hash.field(options.salt).field(lang).field(std::to_string(page.number));
    hash.field(page.has_next ? "next" : "last");
    for (std::size_t i = n * size; i < end; ++i) {
      const TopicPost& post = posts[oldest_first[i]];
      page.keys.push_back(post.key);
      page.last_modified = std::max(page.last_modified, post.updated);
      hash.field(post.key).field(post.entry_id);
      hash.field(std::to_string(post.updated.time_since_epoch().count()));
    }
    page.digest = hash.hex();
    pages.push_back(std::move(page));
  }
  return pages;
}

}  // namespace

std::shared_ptr<const ArchiveCatalog> ArchiveCatalog::build(const std::vector<TopicPost>& posts,
                                                            const Options& options) {
  auto catalog = std::make_shared<ArchiveCatalog>();
  std::vector<std::string> langs = options.langs;
  langs.emplace_back();
  for (const std::string& lang : langs) {
    std::vector<std::uint32_t> oldest_first;
    for (std::size_t i = posts.size(); i-- > 0;) {
      if (lang.empty() || posts[i].lang == lang) {
        oldest_first.push_back(static_cast<std::uint32_t>(i));
      }
    }
    catalog->scopes_.push_back(Scope{lang, paginate(posts, oldest_first, lang, options)});
  }
  return catalog;
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
  return &found->pages[number - 1];
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
    for (const ArchivePage& page : scope.pages) {
      all.push_back(&page);
    }
  }
  return all;
}

}  // namespace feedd::feeds
