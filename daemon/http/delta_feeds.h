// RFC 3229 delta feeds (`A-IM: feed`): the body of a 226 response for a request whose
// If-None-Match names an earlier version of an Atom or RSS feed (feeds::FeedVersions), made
// once per (feed, old version, current version, coding) and kept in a bounded cache, so that
// any number of readers polling after one change cost one render. Thread-safe: lookups take
// the cache's mutex only; renders run one at a time (each looks in the cache first), on the
// calling I/O thread. A delta that cannot be made is logged and answered as none (full 200).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>

#include "daemon/http/metrics.h"
#include "daemon/http/topic_cache.h"
#include "feeds/snapshot.h"

namespace feedd::daemon {

// Memory for delta bodies (all codings): a change to a site of nine feeds with 32 versions
// remembered makes at most 9 x 31 x 3 deltas of a few new entries each.
inline constexpr std::size_t kDeltaCacheBytes = 16 * 1024 * 1024;

// Whether an A-IM field value asks for the `feed` instance-manipulation.
bool asks_for_feed_delta(std::string_view a_im);

class DeltaFeeds {
 public:
  DeltaFeeds(std::size_t cache_bytes, Metrics& metrics);

  // The delta of `resource` (its current version) against the first version an entity-tag
  // of `if_none_match` names in `coding`, as a resource whose identity representation holds
  // the body to send (already in `coding`); null when no tag names an earlier version.
  std::shared_ptr<const feeds::Resource> find(const feeds::Resource& resource, feeds::Coding coding,
                                              std::string_view if_none_match);

  const TopicCache& cache() const { return cache_; }

 private:
  std::shared_ptr<const feeds::Resource> render(const feeds::Resource& resource,
                                                const feeds::FeedVersion& old, feeds::Coding coding,
                                                const std::string& key);

  // Fixed after construction.
  Metrics& metrics_;
  // Thread-safe itself: per (path, coding, old version), the delta for one current version.
  TopicCache cache_;
  std::mutex render_mutex_;  // one render at a time
};

}  // namespace feedd::daemon
