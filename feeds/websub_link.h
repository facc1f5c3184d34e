// The WebSub discovery `Link` field of a feed response (W3C WebSub §4): each hub as
// rel="hub", then the feed's own URL (its topic) as rel="self". Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "feeds/site_options.h"

namespace feedd::feeds {

// `<hub>; rel="hub", ..., <feeds_url + path>; rel="self"` for the request path `path`
// ("/en/atom.xml"); "" when no hub is configured, `path` is not a feed, or it is an RFC 5005
// archive page (history is no topic: the hub denies it and nothing is published for it).
std::string websub_link(const SiteOptions& site, std::string_view path);

// The topic URL of the request path `path`: site.feeds_url without its final '/' + path.
std::string topic_url(const SiteOptions& site, std::string_view path);

}  // namespace feedd::feeds
