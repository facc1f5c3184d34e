// Serves the feeds rendered on request beside the snapshot, topic feeds and RFC 5005 archive
// pages: the TopicCache's bytes when they match the feed's current digest (its catalog's),
// else one render on the render executor (the control thread, owner of the index), cached;
// renders run one at a time there and each looks in the cache first, so concurrent requests
// for one cold feed share one render. Thread-safe; I/O threads only wait (suspended). A failed
// render is logged and answered as no resource.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/http/metrics.h"
#include "daemon/http/topic_cache.h"
#include "feeds/feed_info.h"
#include "feeds/snapshot.h"

namespace feedd::daemon {

class TopicFeeds {
 public:
  // Renders `topic`'s feed in `format` into a resource (Last-Modified clamped to
  // `built_at`; its delta versions following `previous`, the versions of the rendering it
  // replaces, may be null); runs on the render executor only; may throw (the failure is logged).
  using Render = std::function<std::shared_ptr<const feeds::Resource>(
      const feeds::CatalogTopic& topic, feeds::FeedFormat format, std::chrono::sys_seconds built_at,
      std::shared_ptr<const feeds::FeedVersions> previous)>;

  // Renders archive page `page` into a resource, likewise.
  using RenderArchive = std::function<std::shared_ptr<const feeds::Resource>(
      const feeds::ArchivePage& page, std::chrono::sys_seconds built_at)>;

  TopicFeeds(std::size_t cache_bytes, boost::asio::any_io_executor render_executor, Render render,
             Metrics& metrics, RenderArchive render_archive = nullptr);

  // Whether `path` has the shape of a feed served here (a topic feed or an archive page).
  static bool serves(std::string_view path);
  // False when serves(`path`) is, told without parsing: a topic feed's path has three or
  // four '/', an archive page's three or starts "/archive/". For the paths the snapshot
  // serves, looked up first ("/en/atom.xml" has two): a topic feed wins over them.
  static bool may_serve(std::string_view path);

  // The feed at request path `path` as of `snapshot`; null when `path` names no topic feed
  // or archive page of it (the caller answers 404) or its render failed.
  boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> find(
      std::string_view path, std::shared_ptr<const feeds::Snapshot> snapshot);

  const TopicCache& cache() const { return cache_; }

 private:
  // On the render executor: the cached resource if an earlier render made it, else a render.
  boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> render_once(
      std::string path, feeds::CatalogTopic topic, feeds::FeedFormat format,
      std::chrono::sys_seconds built_at);
  boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> find_archive(
      std::string_view path, std::shared_ptr<const feeds::Snapshot> snapshot);
  boost::asio::awaitable<std::shared_ptr<const feeds::Resource>> render_archive_once(
      std::string path, feeds::ArchivePage page, std::chrono::sys_seconds built_at);
  // Looks in the cache first, else runs `render` and caches its result (render executor).
  std::shared_ptr<const feeds::Resource> cached_or_render(
      const std::string& path, const std::string& digest,
      const std::function<std::shared_ptr<const feeds::Resource>()>& render);

  // Fixed after construction.
  const boost::asio::any_io_executor render_executor_;
  const Render render_;
  const RenderArchive render_archive_;
  Metrics& metrics_;
  // Thread-safe itself.
  TopicCache cache_;
};

}  // namespace feedd::daemon
