// Renders every feed the site publishes: for each language and for all languages together,
// Atom, RSS and JSON Feed; and one feed in one format (what a topic feed renders on first
// request). Both go through the same renderers. Pure and deterministic; thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "feeds/entry.h"
#include "feeds/feed_info.h"
#include "feeds/feed_versions.h"
#include "feeds/site_options.h"

namespace feedd::feeds {

struct RenderedFeed {
  std::string path;          // relative to feeds_url: "ja/atom.xml", "rss.xml", "feed.json"
  std::string content_type;  // e.g. "application/atom+xml; charset=utf-8"
  std::string body;
  std::chrono::sys_seconds last_modified{};  // newest `updated` among its entries (epoch if none)
  // What an Atom or RSS feed shows (for RFC 3229 deltas); null for JSON Feed and pages.
  std::shared_ptr<const EntrySet> entry_set = nullptr;
};

// The entry ids and updated times of `feed` (and its tombstones, for Atom) in `format`.
EntrySet entry_set_of(const FeedContent& feed, FeedFormat format);

// `feed` in `format`, at feed_path(feed, format).
RenderedFeed render_feed(const SiteOptions& site, const FeedContent& feed, FeedFormat format);

// `feeds` holds one FeedContent per configured language plus one with lang "" (all).
std::vector<RenderedFeed> render_feed_set(const SiteOptions& site,
                                          const std::vector<FeedContent>& feeds);

}  // namespace feedd::feeds
