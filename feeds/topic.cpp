#include "feeds/topic.h"

#include "common/topic_segment.h"

namespace feedd::feeds {

std::string_view topic_kind_dir(TopicKind kind) {
  return kind == TopicKind::tag ? "tags" : "categories";
}

std::string topic_dir(std::string_view lang, const FeedTopic& topic) {
  std::string dir = lang.empty() ? std::string() : std::string(lang) + "/";
  dir += topic_kind_dir(topic.kind);
  dir += '/';
  dir += common::topic_segment_url(topic.segment);
  dir += '/';
  return dir;
}

}  // namespace feedd::feeds
