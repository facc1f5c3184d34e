#include "daemon/live/purge_paths.h"

#include <map>
#include <set>
#include <tuple>

#include "feeds/archive_catalog.h"
#include "feeds/feed_info.h"
#include "feeds/topic.h"
#include "feeds/topic_catalog.h"

namespace feedd::daemon {
namespace {

using TopicId = std::tuple<std::string, int, std::string>;  // lang, kind, segment

std::map<TopicId, const feeds::CatalogTopic*> by_id(const feeds::TopicCatalog& catalog) {
  std::map<TopicId, const feeds::CatalogTopic*> topics;
  for (const auto& topic : catalog.topics()) {
    topics.emplace(TopicId{topic->lang, static_cast<int>(topic->topic.kind), topic->topic.segment},
                   topic.get());
  }
  return topics;
}

void add_topic_feeds(std::set<std::string>& paths, const feeds::CatalogTopic& topic) {
  const std::string dir = "/" + feeds::topic_dir(topic.lang, topic.topic);
  for (const char* name : {"atom.xml", "rss.xml", "feed.json"}) {
    paths.insert(dir + name);
  }
}

}  // namespace

std::vector<std::string> changed_paths(const feeds::Snapshot& previous,
                                       const feeds::Snapshot& next) {
  std::set<std::string> paths;
  for (const auto& [path, resource] : next.resources()) {
    if (previous.find(path) != resource.get()) {
      paths.insert(path);
    }
  }
  for (const auto& [path, resource] : previous.resources()) {
    if (next.find(path) == nullptr) {
      paths.insert(path);
    }
  }
  const auto before = by_id(previous.topics());
  const auto after = by_id(next.topics());
  for (const auto& [id, topic] : before) {
    auto it = after.find(id);
    if (it == after.end() || it->second->digest != topic->digest) {
      add_topic_feeds(paths, *topic);
    }
  }
  // Archive pages are rendered on request too: those whose digest changed or that went.
  for (const feeds::ArchivePage* page : previous.archives().pages()) {
    const feeds::ArchivePage* now = next.archives().page(page->lang, page->number);
    if (now == nullptr || now->digest != page->digest) {
      paths.insert("/" + feeds::archive_path(page->lang, page->number));
    }
  }
  return {paths.begin(), paths.end()};
}

}  // namespace feedd::daemon
