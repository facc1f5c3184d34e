// The HTML pages feedd serves beside the feeds: "/" lists every feed (with autodiscovery
// <link rel="alternate"> tags and links to the tag pages), "L/" shows language L's entries
// with subscribe links and each entry's tags as links to their feeds, "L/tags/" and "tags/"
// list the topics with post counts and subscribe links, and "feed.css" styles the RSS and
// Atom XML for a browser. Links between them are relative, so
// they work at any mount point. Pure and deterministic (no clock); thread-safe; all text
// is HTML-escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feeds/entry.h"
#include "feeds/feed_set.h"
#include "feeds/site_options.h"
#include "feeds/topic_catalog.h"

namespace feedd::feeds {

// "" (the index page) and "L/" for each language in `feeds` with a non-empty lang, as
// text/html. "L/" has Last-Modified: the newest entry's updated time; "" shows no entry
// time, so it has none (kUndated: a time its bytes do not show would differ between a replica
// that saw an edit and one started after it; its ETag validates it).
std::vector<RenderedFeed> render_pages(const SiteOptions& site,
                                       const std::vector<FeedContent>& feeds);

// "tags/" (all languages) and "L/tags/" for each configured language, as text/html: the
// tags, then the categories, of `catalog`'s scope, by segment, with post counts and links
// to their feeds; no Last-Modified (kUndated, as for "" above).
std::vector<RenderedFeed> render_topic_pages(const SiteOptions& site, const TopicCatalog& catalog);

// The stylesheet the feeds reference as {feeds_url}feed.css.
std::string_view feed_css();

}  // namespace feedd::feeds
