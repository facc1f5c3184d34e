#include "daemon/pipeline/snapshot_builder.h"

#include <string>
#include <utility>
#include <vector>

#include "feeds/feed_info.h"
#include "feeds/websub_link.h"

namespace feedd::daemon {

feeds::ResourceSource resource_source(feeds::RenderedFeed rendered, const feeds::SiteOptions& site,
                                      int delta_versions) {
  std::string browser_type(feeds::browser_content_type(rendered.path));
  std::string path = "/" + rendered.path;
  std::string link = feeds::websub_link(site, path);
  const bool deltas = rendered.entry_set != nullptr && delta_versions > 0;
  return {std::move(path),
          std::move(rendered.content_type),
          std::move(rendered.body),
          rendered.last_modified,
          true,
          std::move(browser_type),
          std::move(link),
          std::move(rendered.entry_set),
          deltas ? static_cast<std::size_t>(delta_versions) : 0};
}

std::shared_ptr<const feeds::Snapshot> build_snapshot(SitePipeline& pipeline, const Config& config,
                                                      std::chrono::sys_seconds now,
                                                      std::uint64_t generation,
                                                      const feeds::Snapshot* previous,
                                                      bool recount) {
  std::vector<feeds::ResourceSource> sources;
  for (auto& rendered : pipeline.render(now)) {
    sources.push_back(
        resource_source(std::move(rendered), pipeline.site(), config.feeds.delta_versions));
  }
  std::vector<std::pair<std::string, std::size_t>> posts;
  if (previous != nullptr && !recount) {
    posts = previous->posts_by_lang();
  } else {
    for (const LanguageConfig& language : config.languages) {
      const auto count = pipeline.read_index(
          [&](storage::Index& index) { return index.count_published(language.code, now); }, now);
      posts.emplace_back(language.code, static_cast<std::size_t>(count));
    }
  }
  return feeds::Snapshot::build(std::move(sources), now, generation, previous,
                                {config.server.max_age_s, config.feeds.archive_max_age_s},
                                std::move(posts), pipeline.topics(), pipeline.archives());
}

}  // namespace feedd::daemon
