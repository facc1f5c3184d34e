// From the index to rendered feeds: queries each language's newest entries (with their
// translations) and renders the feed set. Runs on the indexer's thread (it uses the Index);
// the result is plain data that may be handed to any thread. Throws storage::IndexError.
#pragma once

#include <chrono>
#include <vector>

#include "daemon/config.h"
#include "feeds/entry.h"
#include "feeds/feed_set.h"
#include "storage/index/index.h"

namespace feedd::daemon {

// One FeedContent per configured language, then the one of all languages (lang "").
// `now` decides which posts are published (future posts are left out).
std::vector<feeds::FeedContent> collect_feeds(storage::Index& index, const Config& config,
                                              const feeds::SiteOptions& site,
                                              std::chrono::sys_seconds now);

}  // namespace feedd::daemon
