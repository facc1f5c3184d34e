// The HTML pages feedd serves beside the feeds: "/" lists every feed (with autodiscovery
// <link rel="alternate"> tags), "L/" shows language L's entries with subscribe links, and
// "feed.css" styles the RSS and Atom XML for a browser. Links between them are relative, so
// they work at any mount point. Pure and deterministic (no clock); thread-safe; all text
// is HTML-escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feeds/entry.h"
#include "feeds/feed_set.h"
#include "feeds/site_options.h"

namespace feedd::feeds {

// "" (the index page) and "L/" for each language in `feeds` with a non-empty lang, as
// text/html; Last-Modified is the newest entry's updated time of the feeds shown.
std::vector<RenderedFeed> render_pages(const SiteOptions& site,
                                       const std::vector<FeedContent>& feeds);

// The stylesheet the feeds reference as {feeds_url}feed.css.
std::string_view feed_css();

}  // namespace feedd::feeds
