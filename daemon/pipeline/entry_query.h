// From the index to feed content: each language's newest entries (with their translations),
// a topic's entries, and the tombstones of the topic catalog. Runs on the indexer's thread (it
// uses the Index); the result is plain data that may be handed to any thread. Throws
// storage::IndexError.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config.h"
#include "daemon/pipeline/parsed_bodies.h"
#include "daemon/pipeline/recent_map.h"
#include "feeds/archive_catalog.h"
#include "feeds/entry.h"
#include "feeds/feed_set.h"
#include "feeds/topic_catalog.h"
#include "storage/index/index.h"

namespace feedd::daemon {

// The tombstones of the Atom feed of `lang` ("" for all): its posts that went away within the
// last feeds.tombstone_days and are not published at `now`, newest first, at most
// feeds.entries (none when tombstone_days is 0).
std::vector<feeds::Tombstone> collect_tombstones(storage::Index& index, const Config& config,
                                                 const std::string& lang,
                                                 std::chrono::sys_seconds now);

// One FeedContent per configured language, then the one of all languages (lang "").
// `now` decides which posts are published (future posts are left out). `parsed` (may be
// null): the bodies parsed by the last call, replaced by those of this one. A body too deeply
// nested to parse is logged when it is parsed, not each time it is reused.
std::vector<feeds::FeedContent> collect_feeds(storage::Index& index, const Config& config,
                                              const feeds::SiteOptions& site,
                                              std::chrono::sys_seconds now,
                                              ParsedBodies* parsed = nullptr);

// The content of `topic`'s feed: its posts (topic.keys, as the catalog listed them; any
// deleted since are left out) made into entries exactly as collect_feeds() makes them.
// `parsed` (may be null): collect_feeds()'s last bodies, reused where unchanged (read only).
// `parse` false: a body not found there is left null (Entry::html) for the caller to set.
feeds::FeedContent collect_topic_feed(storage::Index& index, const feeds::SiteOptions& site,
                                      const feeds::CatalogTopic& topic,
                                      std::chrono::sys_seconds now,
                                      const ParsedBodies* parsed = nullptr, bool parse = true);

// Entries made at one `now` by post key (see collect_archive_page()).
using RecentEntries = RecentMap<feeds::Entry>;

// The content of archive page `page`: its posts (page.keys, oldest first; any deleted since
// are left out) made into entries exactly as collect_feeds() makes them; `parsed` and
// `parse` likewise. `recent` (may be null): entries made for earlier pages at the same `now`,
// copied instead of read again (each post is on two pages, its language's and the
// all-languages one), and this page's new ones added, with their Atom children to be
// rendered once for both pages (feeds::Entry::atom).
feeds::FeedContent collect_archive_page(storage::Index& index, const feeds::SiteOptions& site,
                                        const feeds::ArchivePage& page,
                                        std::chrono::sys_seconds now,
                                        const ParsedBodies* parsed = nullptr, bool parse = true,
                                        RecentEntries* recent = nullptr);

// A post's body (`content_html`, from the file `source_path`) parsed as feeds::parse_content
// does; a body too deeply nested to parse is logged here, once per parse. Thread-safe.
std::shared_ptr<const feeds::HtmlDocument> parse_body(std::string_view content_html,
                                                      std::string_view source_path);

// The posts with topics that keep a tombstone at `now` (see collect_tombstones()), newest
// first, `updated` holding when they went: TopicCatalog::build()'s `gone`.
std::vector<storage::PostTopics> collect_gone_topic_posts(storage::Index& index,
                                                          const Config& config,
                                                          std::chrono::sys_seconds now);

}  // namespace feedd::daemon
