#include "feeds/topic_catalog.h"

#include <algorithm>
#include <tuple>

#include "feeds/topic_index.h"

namespace feedd::feeds {

std::shared_ptr<const TopicCatalog> TopicCatalog::build(
    const std::vector<storage::PostTopics>& posts, std::size_t entries_per_topic,
    std::string_view salt, const std::vector<storage::PostTopics>& gone) {
  TopicIndex index(entries_per_topic, std::string(salt));
  for (const storage::PostTopics& post : posts) {
    index.add(post);
  }
  return index.catalog(gone);
}

const CatalogTopic* TopicCatalog::find(std::string_view lang, TopicKind kind,
                                       std::string_view segment) const {
  const auto wanted = std::make_tuple(lang, kind, segment);
  auto it =
      std::lower_bound(topics_.begin(), topics_.end(), wanted,
                       [](const std::shared_ptr<const CatalogTopic>& topic, const auto& key) {
                         return std::make_tuple(std::string_view(topic->lang), topic->topic.kind,
                                                std::string_view(topic->topic.segment)) < key;
                       });
  if (it == topics_.end() || (*it)->lang != lang || (*it)->topic.kind != kind ||
      (*it)->topic.segment != segment) {
    return nullptr;
  }
  return it->get();
}

}  // namespace feedd::feeds
