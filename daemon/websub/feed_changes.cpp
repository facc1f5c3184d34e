#include "daemon/websub/feed_changes.h"

#include <algorithm>

#include "feeds/feed_info.h"

namespace feedd::daemon {

std::vector<std::string> changed_feed_paths(const feeds::Snapshot& previous,
                                            const feeds::Snapshot& next) {
  std::vector<std::string> paths;
  for (const auto& [path, resource] : next.resources()) {
    if (feeds::is_feed_path(path) && previous.find(path) != resource.get()) {
      paths.push_back(path);
    }
  }
  for (const auto& shared : next.topics().topics()) {
    const feeds::CatalogTopic& topic = *shared;
    const feeds::CatalogTopic* before =
        previous.topics().find(topic.lang, topic.topic.kind, topic.topic.segment);
    if (before != nullptr && before->digest == topic.digest) {
      continue;
    }
    const feeds::FeedContent feed{topic.lang, {}, topic.topic};
    for (const auto format :
         {feeds::FeedFormat::atom, feeds::FeedFormat::rss, feeds::FeedFormat::json}) {
      paths.push_back("/" + feeds::feed_path(feed, format));
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace feedd::daemon
