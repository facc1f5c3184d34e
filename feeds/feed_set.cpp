#include "feeds/feed_set.h"

#include "feeds/render.h"

namespace feedd::feeds {

EntrySet entry_set_of(const FeedContent& feed, FeedFormat format) {
  EntrySet set;
  set.entries.reserve(feed.entries.size());
  for (const Entry& entry : feed.entries) {
    set.entries.push_back({entry.id, entry_updated(entry)});
  }
  if (format == FeedFormat::atom) {
    for (const Tombstone& tombstone : feed.tombstones) {
      set.tombstones.push_back({tombstone.id, tombstone.when});
    }
  }
  return set;
}

RenderedFeed render_feed(const SiteOptions& site, const FeedContent& feed, FeedFormat format) {
  RenderedFeed rendered{feed_path(feed, format), "", "", newest_updated(feed)};
  switch (format) {
    case FeedFormat::atom:
      rendered.content_type = "application/atom+xml; charset=utf-8";
      rendered.body = render_atom(site, feed);
      rendered.entry_set = std::make_shared<const EntrySet>(entry_set_of(feed, format));
      break;
    case FeedFormat::rss:
      rendered.content_type = "application/rss+xml; charset=utf-8";
      rendered.body = render_rss(site, feed);
      rendered.entry_set = std::make_shared<const EntrySet>(entry_set_of(feed, format));
      break;
    case FeedFormat::json:
      rendered.content_type = "application/feed+json";
      rendered.body = render_json(site, feed);
      break;
  }
  return rendered;
}

std::vector<RenderedFeed> render_feed_set(const SiteOptions& site,
                                          const std::vector<FeedContent>& feeds) {
  std::vector<RenderedFeed> rendered;
  rendered.reserve(feeds.size() * 3);
  for (const FeedContent& feed : feeds) {
    for (FeedFormat format : {FeedFormat::atom, FeedFormat::rss, FeedFormat::json}) {
      rendered.push_back(render_feed(site, feed, format));
    }
  }
  return rendered;
}

}  // namespace feedd::feeds
