// Owns the index for one configuration and turns the store into rendered feeds: scan (read
// changed files into the index), then render (query + feeds::render_feed_set). NOT
// thread-safe: use it from one thread (the indexer). Logs what each scan did. Opening the
// index throws storage::IndexError (a start-up error); scans and renders throw it when
// SQLite fails, after rolling back.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "feeds/feed_set.h"
#include "storage/index.h"
#include "storage/store_scan.h"

namespace feedd::daemon {

class SiteGenerator {
 public:
  explicit SiteGenerator(const Config& config);

  // Scans the whole store into the index and logs the outcome and every new problem.
  storage::ScanReport scan(std::chrono::sys_seconds now);
  // Scans only `paths` (relative to the store, as the watcher reports them).
  storage::ScanReport scan_paths(const std::vector<std::string>& paths,
                                 std::chrono::sys_seconds now);
  // Renders everything published from the index as it is now: every feed, the HTML pages
  // ("" and "L/", see feeds/html_pages.h) and "feed.css"; paths relative to feeds_url.
  // A feed whose entries (see feeds/feed_digest.h) are unchanged since the last call is not
  // rendered again: its previous bytes are returned.
  std::vector<feeds::RenderedFeed> render(std::chrono::sys_seconds now);

  storage::Index& index() { return index_; }
  // How many feeds render() has rendered (feeds whose input was unchanged are not counted).
  std::uint64_t feeds_rendered() const { return renders_; }
  const feeds::SiteOptions& site() const { return site_; }

 private:
  void log_report(const storage::ScanReport& report);

  // The last rendering of some input, and the digest of that input.
  struct Rendered {
    std::string digest;
    std::vector<feeds::RenderedFeed> rendered;
  };

  const Config& config_;
  storage::ReaderOptions reader_options_;
  feeds::SiteOptions site_;
  storage::Index index_;
  std::map<std::string, Rendered> rendered_feeds_;  // by language ("" for all)
  Rendered pages_;
  std::uint64_t renders_ = 0;
};

}  // namespace feedd::daemon
