#include "feeds/feed_set.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/fnv1a.h"
#include "feeds/render.h"

namespace feedd::feeds {
namespace {

// A hash of what `entry` shows in any format (EntryStamp::version). Not SHA-256: it only
// tells versions of one entry apart, and a feed's render hashes every entry's content.
std::uint64_t entry_version(const Entry& entry) {
  std::uint64_t version = common::kFnv1aBasis;  // over the fields' hashes
  const auto mix = [&version](std::string_view field) {
    version = common::fnv1a_number(std::hash<std::string_view>{}(field), version);
  };
  const storage::Post& post = entry.post;
  for (std::string_view field : {std::string_view(entry.url), std::string_view(post.lang),
                                 std::string_view(post.title), std::string_view(post.content_html),
                                 std::string_view(post.summary), std::string_view(post.author)}) {
    mix(field);
  }
  for (const auto* list : {&post.tags, &post.categories}) {
    mix(std::to_string(list->size()));
    for (const std::string& item : *list) {
      mix(item);
    }
  }
  for (const Alternate& alternate : entry.translations) {
    mix(alternate.lang);
    mix(alternate.url);
    mix(alternate.title);
  }
  return version;
}

}  // namespace

EntrySet entry_set_of(const FeedContent& feed, FeedFormat format) {
  EntrySet set;
  set.entries.reserve(feed.entries.size());
  for (const Entry& entry : feed.entries) {
    set.entries.push_back({entry.id, entry_updated(entry), entry_version(entry)});
  }
  if (format == FeedFormat::atom) {
    for (const Tombstone& tombstone : feed.tombstones) {
      set.tombstones.push_back({tombstone.id, tombstone.when, 0});
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
