// feeds.opml: an OPML 2.0 subscription list of every language feed (Atom), the feed of all
// languages, and per language an outline of its tag feeds (Atom), so that a reader imports
// the whole site, or a language's topics, at once. Pure and deterministic; thread-safe.
#pragma once

#include "feeds/feed_set.h"
#include "feeds/site_options.h"
#include "feeds/topic_catalog.h"

namespace feedd::feeds {

// Path "feeds.opml", text/x-opml; no Last-Modified (kUndated: its bytes show no time). No
// dateCreated/dateModified: the same catalog gives the same bytes.
RenderedFeed render_opml(const SiteOptions& site, const TopicCatalog& catalog);

}  // namespace feedd::feeds
