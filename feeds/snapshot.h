// An immutable snapshot of everything feedd serves: per path, the identity bytes plus gzip
// and brotli copies (made once here, kept only when smaller), each with its own strong
// ETag derived from the bytes, the Last-Modified date and the content type. Built off the
// I/O threads; once built it never changes, so any number of threads may read it without
// locks (share it as shared_ptr<const Snapshot>). Building cannot fail short of memory.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/string_hash.h"
#include "common/unique_fd.h"
#include "feeds/archive_catalog.h"
#include "feeds/feed_versions.h"
#include "feeds/topic_catalog.h"

namespace feedd::feeds {

enum class Coding : std::uint8_t { identity = 0, gzip = 1, br = 2 };
inline constexpr std::size_t kCodingCount = 3;
std::string_view coding_name(Coding coding);  // "identity", "gzip", "br"

// A read-only in-memory file (memfd) holding a copy of some bytes, so that the server can
// sendfile() them (the kernel then needs no copy from user space). Move-only; closes its
// descriptor on destruction; invalid (fd -1) when the system refused one or refused to seal
// it (then the server sends `body` from memory).
class MemoryFile {
 public:
  MemoryFile() = default;
  static MemoryFile create(std::string_view name, std::string_view bytes);

  int fd() const { return fd_.get(); }

 private:
  common::UniqueFd fd_;
};

struct Representation {
  std::string body;
  std::string etag;          // strong, quoted: "\"<22 base64url chars>\"" (+ "-gz"/"-br" inside)
  std::string browser_etag;  // the same bytes labelled browser_content_type (+ "-xml");
                             // empty when the resource has no browser_content_type
  MemoryFile file = {};      // `body` again, for bodies of kSendfileMin bytes or more
};
inline constexpr std::size_t kSendfileMin = 16 * 1024;

// One path's resource. Immutable; shared between snapshots while its bytes are unchanged.
struct Resource {
  std::string path;          // "/ja/atom.xml", "/", "/ja/", "/feed.css"
  std::string content_type;  // e.g. "application/atom+xml; charset=utf-8"
  // What browsers get instead ("application/xml; charset=utf-8" renders feed.css where
  // Chromium shows application/atom+xml as plain text); empty: content_type for everyone.
  std::string browser_content_type;
  std::string link;  // a `Link` field value (WebSub discovery); empty: none
  std::chrono::sys_seconds last_modified{};
  std::string last_modified_text;  // IMF-fixdate of last_modified; empty when kUndated
  // Indexed by Coding; identity always has a body; a compressed one may be absent (null).
  std::array<std::shared_ptr<const Representation>, kCodingCount> representations;
  // An Atom or RSS feed's last versions, this one newest (RFC 3229 deltas); null: no deltas.
  std::shared_ptr<const FeedVersions> versions;

  const Representation* get(Coding coding) const {
    return representations[static_cast<std::size_t>(coding)].get();
  }
};

// The last_modified of a source with no date of its own (the stylesheet): served without
// Last-Modified (its ETag validates it), so that no build time reaches a header.
inline constexpr std::chrono::sys_seconds kUndated = std::chrono::sys_seconds::min();

// What a snapshot is built from: rendered feeds, pages and static assets alike.
struct ResourceSource {
  std::string path;  // with the leading '/'
  std::string content_type;
  std::string body;
  std::chrono::sys_seconds last_modified{};
  bool compress = true;                   // false for bodies too small or already compressed
  std::string browser_content_type = {};  // see Resource
  std::string link = {};                  // see Resource
  // What the feed shows, for deltas (null: none), and how many versions to remember.
  std::shared_ptr<const EntrySet> entry_set = nullptr;
  std::size_t delta_versions = 0;
};

// How long caches may keep what a snapshot serves: server.max_age_s for feeds and pages,
// feeds.archive_max_age_s for RFC 5005 archive pages. Part of the snapshot, so that a reload
// that changes them changes the headers with the bytes (RSS's <ttl>) at once.
// No defaults of its own: the configuration's (daemon/config.h) are the only ones.
struct CacheLifetimes {
  int max_age_s;
  int archive_max_age_s;
};

class Snapshot {
 public:
  using ResourceMap = std::unordered_map<std::string, std::shared_ptr<const Resource>,
                                         common::StringHash, std::equal_to<>>;

  // Builds generation `generation` at `built_at`. Last-Modified is each source's
  // last_modified clamped to built_at. A path whose bytes equal those in `previous` keeps
  // that resource (bodies, ETags, versions), without compressing again, and takes this
  // build's Last-Modified (the same as a snapshot built afresh gives: replicas agree); a
  // changed one adds its version to the previous resource's versions.
  // `posts_by_lang` is carried for /metrics; `topics` says which topic feeds exist (they
  // are rendered on request, outside the snapshot; null: none), `archives` likewise which
  // archive pages exist.
  static std::shared_ptr<const Snapshot> build(
      std::vector<ResourceSource> sources, std::chrono::sys_seconds built_at,
      std::uint64_t generation, const Snapshot* previous, CacheLifetimes lifetimes,
      std::vector<std::pair<std::string, std::size_t>> posts_by_lang = {},
      std::shared_ptr<const TopicCatalog> topics = nullptr,
      std::shared_ptr<const ArchiveCatalog> archives = nullptr);

  // The resource at `path` (exact match, leading '/'), or null.
  const Resource* find(std::string_view path) const;

  const ResourceMap& resources() const { return resources_; }
  std::uint64_t generation() const { return generation_; }
  std::chrono::sys_seconds built_at() const { return built_at_; }
  std::size_t reused() const { return reused_; }  // resources taken from `previous`
  const std::vector<std::pair<std::string, std::size_t>>& posts_by_lang() const {
    return posts_by_lang_;
  }
  // The topics whose feeds exist at this snapshot; never null.
  const TopicCatalog& topics() const { return *topics_; }
  // The RFC 5005 archive pages that exist at this snapshot (rendered on request); never null.
  const ArchiveCatalog& archives() const { return *archives_; }
  // Cache-Control of its feeds and pages, and of archive pages: "public, max-age=N".
  const std::string& cache_control() const { return cache_control_; }
  const std::string& archive_cache_control() const { return archive_cache_control_; }

 private:
  Snapshot() = default;

  ResourceMap resources_;
  std::uint64_t generation_ = 0;
  std::chrono::sys_seconds built_at_{};
  std::size_t reused_ = 0;
  std::vector<std::pair<std::string, std::size_t>> posts_by_lang_;
  std::shared_ptr<const TopicCatalog> topics_;
  std::string cache_control_;
  std::string archive_cache_control_;
  std::shared_ptr<const ArchiveCatalog> archives_;
};

// One resource made from `source` as Snapshot::build makes each (compressed copies, ETags,
// Last-Modified clamped to `built_at`, versions following `previous_versions` when the
// source has an entry set): for resources served beside a snapshot (topic feeds) too.
std::shared_ptr<const Resource> make_resource(
    ResourceSource source, std::chrono::sys_seconds built_at,
    const std::shared_ptr<const FeedVersions>& previous_versions = nullptr);

// The strong ETag of `identity` bytes served with `coding`: the first 16 bytes of their
// SHA-256 in base64url, suffixed "-gz" or "-br" for the compressed codings and "-xml" when
// labelled with the browser content type, in quotes.
std::string make_etag(std::string_view identity, Coding coding, bool browser = false);

// Compression helpers (exposed for tests and the benchmark). Empty on failure.
std::string gzip_compress(std::string_view bytes);
std::string brotli_compress(std::string_view bytes);

}  // namespace feedd::feeds
