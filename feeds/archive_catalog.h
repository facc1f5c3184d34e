// The RFC 5005 archive of each language (and of all languages together): which published
// posts each archive page /L/archive/N.xml holds (page N: the ((N-1)*S+1)-th to (N*S)-th
// oldest, S = feeds.archive_size), and a digest per page of what its bytes depend on (entry
// ids and updated times, its number, whether a next page exists, the site). Made at each
// regeneration from the light rows the topic catalog reads, by feeds::ArchiveIndex, which
// keeps them and redoes only the pages from the first changed position (an edit: its own
// page); pages are rendered only on request and stay valid while their digest does.
// Immutable once built (share as shared_ptr<const ArchiveCatalog>; unchanged pages are
// shared with the next catalog); cannot fail short of memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feeds/key_list.h"
#include "storage/post.h"

namespace feedd::feeds {

struct ArchivePage {
  std::string lang;        // a configured language, or "" for all languages
  std::size_t number = 0;  // 1 = the oldest posts
  bool has_next = false;   // page number + 1 exists (next-archive)
  KeyList keys;            // its posts, oldest first
  std::string digest;
  std::chrono::sys_seconds last_modified{};  // the newest updated time of its posts
};

class ArchiveCatalog {
 public:
  struct Options {
    std::vector<std::string> langs;  // the configured languages ("" is added for all)
    std::size_t entries = 20;        // feeds.entries: more published posts than this: pages
    std::size_t page_size = 100;     // feeds.archive_size
    std::string salt;                // what else the bytes depend on (feeds::site_digest())
  };
  using Pages = std::vector<std::shared_ptr<const ArchivePage>>;
  struct Scope {
    std::string lang;
    Pages pages;  // page N at N - 1
  };

  // One scope per configured language, then "" (all languages).
  explicit ArchiveCatalog(std::vector<Scope> scopes) : scopes_(std::move(scopes)) {}
  // `posts`: every published post (the catalog orders them, see feeds/post_order.h). The
  // same as an ArchiveIndex given every post.
  static std::shared_ptr<const ArchiveCatalog> build(const std::vector<storage::PostTopics>& posts,
                                                     const Options& options);

  // The number of `lang`'s newest page ("" for all languages); 0 when every published post
  // fits in the subscription feed (fh:complete) or `lang` is not configured.
  std::size_t newest_page(std::string_view lang) const;
  // Page `number` of `lang`, or null when it does not exist.
  const ArchivePage* page(std::string_view lang, std::size_t number) const;
  std::size_t page_count() const;
  // Every page of every language, for `feedd build --out`.
  std::vector<const ArchivePage*> pages() const;

 private:
  const Scope* scope(std::string_view lang) const;

  std::vector<Scope> scopes_;
};

}  // namespace feedd::feeds
