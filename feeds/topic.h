// A topic feed's subject: one tag or one category (SPEC "Topic feeds and OPML"). A value
// type; thread-compatible. `segment` is common::topic_segment(name), the topic's identity:
// two names with the same segment are one topic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace feedd::feeds {

enum class TopicKind : std::uint8_t { tag, category };

// The path component naming the kind: "tags" or "categories".
std::string_view topic_kind_dir(TopicKind kind);

struct FeedTopic {
  TopicKind kind = TopicKind::tag;
  std::string name;     // as the newest post using it spells it (shown in titles)
  std::string segment;  // common::topic_segment(name), never empty
};

// "L/tags/SEG/" (or "tags/SEG/" for all languages, lang ""), the segment percent-encoded:
// the directory of the topic's three feeds, relative to feeds_url.
std::string topic_dir(std::string_view lang, const FeedTopic& topic);

}  // namespace feedd::feeds
