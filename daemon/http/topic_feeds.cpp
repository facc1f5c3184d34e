#include "daemon/http/topic_feeds.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "daemon/http/topic_path.h"
#include "daemon/log.h"

namespace feedd::daemon {

TopicFeeds::TopicFeeds(std::size_t cache_bytes, boost::asio::any_io_executor render_executor,
                       Render render, Metrics& metrics)
    : render_executor_(std::move(render_executor)),
      render_(std::move(render)),
      metrics_(metrics),
      cache_(cache_bytes) {}

boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> TopicFeeds::find(
    std::string_view path, std::shared_ptr<const feeds::Snapshot> snapshot) {
  const auto parsed = parse_topic_path(path);
  if (!parsed) {
    co_return nullptr;
  }
  const feeds::CatalogTopic* topic =
      snapshot->topics().find(parsed->lang, parsed->kind, parsed->segment);
  if (topic == nullptr) {
    co_return nullptr;
  }
  // The feed's own path (its segment encoded as feedd encodes it) keys the cache, so that
  // every spelling of the request shares one entry.
  std::string key =
      "/" + feeds::feed_path(feeds::FeedContent{topic->lang, {}, topic->topic}, parsed->format);
  if (auto hit = cache_.find(key, topic->digest)) {
    metrics_.record_topic_hit();
    co_return hit;
  }
  co_return co_await boost::asio::co_spawn(
      render_executor_, render_once(std::move(key), *topic, parsed->format, snapshot->built_at()),
      boost::asio::use_awaitable);
}

boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> TopicFeeds::render_once(
    std::string path, feeds::CatalogTopic topic, feeds::FeedFormat format,
    std::chrono::sys_seconds built_at) {
  if (auto hit = cache_.find(path, topic.digest)) {
    metrics_.record_topic_hit();  // rendered for a request that came first
    co_return hit;
  }
  std::shared_ptr<const feeds::Resource> resource;
  try {
    const auto replaced = cache_.any(path);
    resource = render_(topic, format, built_at, replaced ? replaced->versions : nullptr);
  } catch (const std::exception& error) {
    log::error("topics", path + ": rendering failed: " + error.what());
    co_return nullptr;
  }
  metrics_.record_topic_render();
  cache_.insert(path, topic.digest, resource);
  metrics_.set_topic_cache(cache_.bytes(), cache_.entries());
  co_return resource;
}

}  // namespace feedd::daemon
