#include "feeds/feed_set.h"

#include "feeds/feed_info.h"
#include "feeds/render.h"

namespace feedd::feeds {

std::vector<RenderedFeed> render_feed_set(const SiteOptions& site,
                                          const std::vector<FeedContent>& feeds) {
  std::vector<RenderedFeed> rendered;
  rendered.reserve(feeds.size() * 3);
  for (const FeedContent& feed : feeds) {
    const std::chrono::sys_seconds last_modified = newest_updated(feed);
    rendered.push_back(RenderedFeed{feed_path(feed.lang, FeedFormat::atom),
                                    "application/atom+xml; charset=utf-8", render_atom(site, feed),
                                    last_modified});
    rendered.push_back(RenderedFeed{feed_path(feed.lang, FeedFormat::rss),
                                    "application/rss+xml; charset=utf-8", render_rss(site, feed),
                                    last_modified});
    rendered.push_back(RenderedFeed{feed_path(feed.lang, FeedFormat::json), "application/feed+json",
                                    render_json(site, feed), last_modified});
  }
  return rendered;
}

}  // namespace feedd::feeds
