#include "feeds/websub_link.h"

#include "feeds/archive_path.h"
#include "feeds/feed_info.h"

namespace feedd::feeds {

std::string topic_url(const SiteOptions& site, std::string_view path) {
  std::string url = site.feeds_url;
  if (!url.empty() && url.back() == '/' && path.starts_with('/')) {
    url.pop_back();
  }
  url += path;
  return url;
}

std::string websub_link(const SiteOptions& site, std::string_view path) {
  // Archive pages are history, not topics (the hub denies them; nothing is published for them).
  if (site.hubs.empty() || !is_feed_path(path) || path == "/feeds.opml" ||
      parse_archive_path(path)) {
    return {};
  }
  std::string link;
  for (const std::string& hub : site.hubs) {
    link += "<" + hub + ">; rel=\"hub\", ";
  }
  link += "<" + topic_url(site, path) + ">; rel=\"self\"";
  return link;
}

}  // namespace feedd::feeds
