#include "daemon/http/topic_feeds.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "daemon/http/topic_path.h"
#include "daemon/log.h"
#include "feeds/archive_path.h"

namespace feedd::daemon {

TopicFeeds::TopicFeeds(std::size_t cache_bytes, boost::asio::any_io_executor render_executor,
                       Render render, Metrics& metrics, RenderArchive render_archive)
    : render_executor_(std::move(render_executor)),
      render_(std::move(render)),
      render_archive_(std::move(render_archive)),
      metrics_(metrics),
      cache_(cache_bytes) {}

bool TopicFeeds::serves(std::string_view path) {
  return feeds::parse_archive_path(path).has_value() || parse_topic_path(path).has_value();
}

bool TopicFeeds::may_serve(std::string_view path) {
  if (path.starts_with("/archive/")) {
    return true;
  }
  int slashes = 0;
  for (char c : path) {
    if (c == '/' && ++slashes == 3) {
      return true;
    }
  }
  return false;
}

boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> TopicFeeds::find(
    std::string_view path, std::shared_ptr<const feeds::Snapshot> snapshot) {
  const auto parsed = parse_topic_path(path);
  if (!parsed) {
    co_return co_await find_archive(path, std::move(snapshot));
  }
  const feeds::CatalogTopic* topic =
      snapshot->topics().find(parsed->lang, parsed->kind, parsed->segment);
  if (topic == nullptr) {
    co_return nullptr;
  }
  // The feed's own path (its segment encoded as feedd encodes it) keys the cache, so that
  // every spelling of the request shares one entry.
  // Appended, not "/" + path: GCC 12 warns of an overlapping memcpy (-Wrestrict, a false
  // positive of its own in operator+(const char*, std::string&&)) in Release builds.
  std::string key = "/";
  key += feeds::feed_path(feeds::FeedContent{topic->lang, {}, topic->topic}, parsed->format);
  if (auto hit = cache_.find(key, topic->digest)) {
    metrics_.record_topic_hit();
    co_return hit;
  }
  co_return co_await boost::asio::co_spawn(
      render_executor_, render_once(std::move(key), *topic, parsed->format, snapshot->built_at()),
      boost::asio::use_awaitable);
}

boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> TopicFeeds::find_archive(
    std::string_view path, std::shared_ptr<const feeds::Snapshot> snapshot) {
  const auto parsed = feeds::parse_archive_path(path);
  const feeds::ArchivePage* page =
      parsed && render_archive_ ? snapshot->archives().page(parsed->lang, parsed->page) : nullptr;
  if (page == nullptr) {
    co_return nullptr;
  }
  std::string key(path);  // one spelling per page: the path is the key
  if (auto hit = cache_.find(key, page->digest)) {
    metrics_.record_topic_hit();
    co_return hit;
  }
  co_return co_await boost::asio::co_spawn(
      render_executor_, render_archive_once(std::move(key), *page, snapshot->built_at()),
      boost::asio::use_awaitable);
}

std::shared_ptr<const feeds::Resource> TopicFeeds::cached_or_render(
    const std::string& path, const std::string& digest,
    const std::function<std::shared_ptr<const feeds::Resource>()>& render) {
  if (auto hit = cache_.find(path, digest)) {
    metrics_.record_topic_hit();  // rendered for a request that came first
    return hit;
  }
  std::shared_ptr<const feeds::Resource> resource;
  try {
    resource = render();
  } catch (const std::exception& error) {
    log::error("topics", path + ": rendering failed: " + error.what());
    return nullptr;
  }
  cache_.insert(path, digest, resource);
  metrics_.set_topic_cache(cache_.bytes(), cache_.entries());
  return resource;
}

boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> TopicFeeds::render_once(
    std::string path, feeds::CatalogTopic topic, feeds::FeedFormat format,
    std::chrono::sys_seconds built_at) {
  co_return cached_or_render(path, topic.digest, [&] {
    // Its delta versions continue those of the rendering it replaces.
    const auto replaced = cache_.any(path);
    auto resource = render_(topic, format, built_at, replaced ? replaced->versions : nullptr);
    metrics_.record_topic_render();
    return resource;
  });
}

boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> TopicFeeds::render_archive_once(
    std::string path, feeds::ArchivePage page, std::chrono::sys_seconds built_at) {
  co_return cached_or_render(path, page.digest, [&] {
    auto resource = render_archive_(page, built_at);
    metrics_.record_archive_render();
    return resource;
  });
}

}  // namespace feedd::daemon
