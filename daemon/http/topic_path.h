// Which topic feed a request path names: "/L/tags/SEG/atom.xml", "/tags/SEG/rss.xml",
// "/L/categories/SEG/feed.json", ... with SEG percent-decoded (either hex case), so that it
// compares with common::topic_segment() values. Pure; thread-safe; never throws except
// std::bad_alloc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "feeds/feed_info.h"
#include "feeds/topic.h"

namespace feedd::daemon {

struct TopicPath {
  std::string lang;  // "" for the all-languages form
  feeds::TopicKind kind = feeds::TopicKind::tag;
  std::string segment;  // decoded
  feeds::FeedFormat format = feeds::FeedFormat::atom;
};

// nullopt when `path` (a request path: no query, leading '/') has not the shape of a topic
// feed, or its segment is empty or badly percent-encoded.
std::optional<TopicPath> parse_topic_path(std::string_view path);

}  // namespace feedd::daemon
