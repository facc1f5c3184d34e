#include "daemon/site_generator.h"

#include "daemon/feed_generation.h"
#include "daemon/log.h"
#include "feeds/feed_digest.h"
#include "feeds/html_pages.h"

namespace feedd::daemon {

SiteGenerator::SiteGenerator(const Config& config)
    : config_(config),
      reader_options_(config.reader_options()),
      site_(config.site_options()),
      index_(config.store.index, config.site.base_url) {}

storage::ScanReport SiteGenerator::scan(std::chrono::sys_seconds now) {
  auto report = storage::scan_store(index_, config_.store.path, reader_options_, now);
  log_report(report);
  return report;
}

storage::ScanReport SiteGenerator::scan_paths(const std::vector<std::string>& paths,
                                              std::chrono::sys_seconds now) {
  auto report = storage::scan_paths(index_, config_.store.path, paths, reader_options_, now);
  log_report(report);
  return report;
}

void SiteGenerator::log_report(const storage::ScanReport& report) {
  for (const auto& problem : report.unreadable) {
    log::warning("store", problem.to_string());
  }
  // Bad post files are data problems, not daemon errors: warnings, once, when first seen.
  for (const auto& problem : report.applied.problems) {
    log::warning("store", problem.to_string());
  }
  log::info("store", "scanned " + std::to_string(report.files_seen) + " files (" +
                         std::to_string(report.files_read) + " read, " +
                         std::to_string(report.files_parsed) + " parsed): " +
                         std::to_string(report.applied.added) + " posts added, " +
                         std::to_string(report.applied.changed) + " changed, " +
                         std::to_string(report.applied.deleted) + " deleted");
}

std::vector<feeds::RenderedFeed> SiteGenerator::render(std::chrono::sys_seconds now) {
  const auto contents = collect_feeds(index_, config_, site_, now);
  // Only feeds whose input changed are rendered again; the others reuse their last bytes.
  std::vector<feeds::RenderedFeed> rendered;
  std::string all_digests;
  for (const auto& content : contents) {
    auto digest = feeds::feed_digest(content);
    all_digests += digest;
    auto& cached = rendered_feeds_[content.lang];
    if (cached.digest != digest) {
      cached.rendered = feeds::render_feed_set(site_, {content});
      cached.digest = std::move(digest);
      ++renders_;
    }
    rendered.insert(rendered.end(), cached.rendered.begin(), cached.rendered.end());
  }
  // The pages show every language's entries: rendered again when any feed's input changed.
  if (pages_.digest != all_digests) {
    pages_.rendered = feeds::render_pages(site_, contents);
    pages_.digest = std::move(all_digests);
  }
  rendered.insert(rendered.end(), pages_.rendered.begin(), pages_.rendered.end());
  // The stylesheet changes only with the program: it carries no date of its own.
  rendered.push_back({"feed.css", "text/css; charset=utf-8", std::string(feeds::feed_css()),
                      std::chrono::sys_seconds::max()});
  return rendered;
}

}  // namespace feedd::daemon
