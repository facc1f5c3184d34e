#include "daemon/pipeline/site_pipeline.h"

#include <algorithm>
#include <mutex>

#include "common/clock.h"
#include "daemon/log.h"
#include "daemon/pipeline/entry_query.h"
#include "daemon/pipeline/index_opener.h"
#include "daemon/pipeline/row_handoff.h"
#include "daemon/pipeline/store_clock.h"
#include "feeds/feed_digest.h"
#include "feeds/html_pages.h"
#include "feeds/opml.h"
#include "feeds/snapshot.h"
#include "storage/index/fresh_index.h"

namespace feedd::daemon {
namespace {

// Whether the tag pages and the OPML file of `a` and `b` are the same: they show each topic's
// language, kind, segment, name and post count, nothing else.
bool same_listing(const feeds::TopicCatalog& a, const feeds::TopicCatalog& b) {
  return std::equal(a.topics().begin(), a.topics().end(), b.topics().begin(), b.topics().end(),
                    [](const auto& x, const auto& y) {
                      return x == y || (x->lang == y->lang && x->topic.kind == y->topic.kind &&
                                        x->topic.segment == y->topic.segment &&
                                        x->topic.name == y->topic.name && x->posts == y->posts);
                    });
}

// Catalog rows handed from the index reader to the thread adding them: batches of 1,024 rows
// (~0.5 MB), at most 8 waiting.
constexpr std::size_t kCatalogBatchRows = 1024;
constexpr std::size_t kCatalogBatches = 8;

// What abandon_catalogs() handed over: reachable from here until the process ends.
struct AbandonedCatalogs {
  std::unique_ptr<feeds::PostCatalogs> catalogs;
  std::shared_ptr<const feeds::TopicCatalog> topics;
  std::shared_ptr<const feeds::TopicCatalog> listed;
  std::shared_ptr<const feeds::ArchiveCatalog> archives;
};

}  // namespace

SitePipeline::SitePipeline(const Config& config, IndexHealth* health)
    : config_(config),
      reader_options_(config.reader_options()),
      site_(config.site_options()),
      health_(health != nullptr ? *health : own_health_),
      clock_(open_store_clock(config.store, reader_options_)),
      replay_(clock_ ? std::make_unique<storage::ReplayClock>(*clock_) : nullptr) {
  adopt(open_index(config.store.index, config.site.base_url, common::now_seconds()));
}

void SitePipeline::adopt(OpenedIndex&& opened) {
  index_ = std::move(opened.index);
  not_writable_ = std::move(opened.not_writable);
  temporary_ = opened.temporary;
  if (opened.moved_aside) {
    health_.count_recovery();
  }
  if (!not_writable_.empty()) {
    health_.set_not_writable(not_writable_);  // open_index logged it
  }
}

template <class Scan>
storage::ScanReport SitePipeline::run_scan(Scan&& scan, std::chrono::sys_seconds now) {
  storage::ScanReport report;
  try {
    try {
      report = scan(*index_);
    } catch (const storage::IndexError& error) {
      if (error.fault() != storage::IndexFault::unusable) {
        throw;
      }
      report = rebuild(error, now);
    }
  } catch (const storage::IndexError& error) {
    if (error.fault() != storage::IndexFault::not_writable) {
      throw;
    }
    note_not_writable(error.cause());
    if (temporary_) {
      report = scan_in_memory(error.cause(), now);  // no space where temporary files go
    } else if (!on_fallback() && holds_nothing()) {
      report = scan_in_temporary(error.cause(), now);  // better than serving an empty index
    } else {
      throw;
    }
  }
  return finish_scan(std::move(report));
}

storage::ScanReport SitePipeline::scan(std::chrono::sys_seconds now, CatalogsBeside catalogs) {
  rollback_held();
  if (auto reopened = reopen(now)) {
    return finish_scan(std::move(*reopened));
  }
  if (catalogs == CatalogsBeside::yes) {
    start_early_catalogs(now);
  }
  storage::ScanReport report;
  try {
    report = run_scan([&](storage::Index&) { return fill_index(now); }, now);
  } catch (...) {
    drop_early_catalogs();  // read for this `now` and this scan only
    throw;
  }
  adopt_early_catalogs(report, now);
  return report;
}

storage::ScanReport SitePipeline::scan_whole_store(storage::Index& index,
                                                   std::chrono::sys_seconds now) {
  return storage::scan_store(index, config_.store.path, reader_options_, now, replay_.get(),
                             scan_progress_);
}

storage::ScanReport SitePipeline::fill_index(std::chrono::sys_seconds now) {
  if (!writes_new_file()) {
    return scan_whole_store(*index_, now);
  }
  const auto& path = config_.store.index;
  // Another process may be writing this index's first scan: wait for it, then look again
  // (its file may have taken the index's name meanwhile).
  auto lock = storage::FreshIndex::lock_first_scans(path);
  if (auto failure = reopen_real_index(now)) {
    return scan_in_temporary(*failure, now);
  }
  if (!writes_new_file()) {
    return scan_whole_store(*index_, now);
  }
  std::optional<storage::FreshIndex> fresh;
  storage::ScanReport report;
  try {
    fresh.emplace(path, config_.site.base_url, std::move(lock));
    report = scan_whole_store(fresh->index(), now);
  } catch (const storage::IndexError& error) {
    if (error.fault() != storage::IndexFault::unusable) {
      throw;
    }
    // The new file's fault, not the index's (a ".new" that cannot be replaced, a read error):
    // the index is fine and must not be moved aside; the state directory is what fails.
    throw storage::IndexError(error.what(), storage::IndexFault::not_writable, error.cause());
  }
  index_.reset();  // the new file takes its name: no connection may go on reading the old one
  std::optional<storage::IndexError> not_published;
  try {
    fresh->publish();
  } catch (const storage::IndexError& error) {
    not_published = error;  // the new index is lost, the old one is as it was
  }
  if (auto failure = reopen_real_index(now)) {
    // The scan's rows are in a file this pipeline cannot open: never serve an empty stand-in
    // as if it held them.
    return scan_in_temporary(*failure, now);
  }
  if (not_published) {
    throw *not_published;
  }
  return report;
}

bool SitePipeline::writes_new_file() {
  const auto& path = config_.store.index;
  if (on_fallback() || path.empty() || path == ":memory:") {
    return false;
  }
  try {
    return index_->is_new();
  } catch (const storage::IndexError&) {
    return false;  // the scan meets it and deals with it
  }
}

std::optional<std::string> SitePipeline::reopen_real_index(std::chrono::sys_seconds now) {
  index_.reset();
  try {
    adopt(open_index(config_.store.index, config_.site.base_url, now));
    return std::nullopt;
  } catch (const storage::IndexError& error) {
    // Neither unusable nor unwritable (a lock held too long): a stand-in meanwhile, as for a
    // state directory that refuses writes; each scan tries the real one again (reopen()).
    health_.set_not_writable(error.cause());
    return error.cause();
  }
}

void SitePipeline::start_early_catalogs(std::chrono::sys_seconds now) {
  const auto& path = config_.store.index;
  if (catalogs_ || early_catalogs_.valid() || on_fallback() || path.empty() || path == ":memory:") {
    return;  // a temporary or in-memory index is seen by its own connection only
  }
  try {
    if (!index_->holds_files()) {
      return;  // a new index: nothing to read beside its first scan
    }
  } catch (const storage::IndexError&) {
    return;  // the scan meets it and deals with it
  }
  early_replacements_ = replacements_;
  // The thread reads only config_ and site_, which nothing changes.
  early_catalogs_ = std::async(std::launch::async, [this, now] {
    storage::Index reader(config_.store.index, config_.site.base_url);
    return read_catalogs(reader, now);
  });
}

void SitePipeline::adopt_early_catalogs(const storage::ScanReport& report,
                                        std::chrono::sys_seconds now) {
  if (!early_catalogs_.valid()) {
    return;
  }
  std::unique_ptr<feeds::PostCatalogs> early;
  try {
    early = early_catalogs_.get();
  } catch (const std::exception&) {
    // Not reported: render() makes them from the scanned index, and meets any fault there.
    return;
  }
  if (catalogs_ || replacements_ != early_replacements_) {
    return;
  }
  // Whichever snapshot the read saw (before the scan's commit or after it), the posts the
  // scan did not write are the same in both; those it wrote are read again at render().
  catalogs_ = std::move(early);
  catalogs_at_ = now;
  catalogs_replacements_ = replacements_;
  ++catalog_builds_;
  ++catalogs_beside_;
  follow_keys(report.applied.keys_written);
}

void SitePipeline::drop_early_catalogs() {
  if (early_catalogs_.valid()) {
    early_catalogs_.wait();
    early_catalogs_ = {};
  }
}

storage::ScanReport SitePipeline::scan_paths(const std::vector<std::string>& paths,
                                             std::chrono::sys_seconds now) {
  rollback_held();
  if (auto reopened = reopen(now)) {  // the whole store: the index may be behind on any file
    return finish_scan(std::move(*reopened));
  }
  return run_scan(
      [&](storage::Index& index) {
        return storage::scan_paths(index, config_.store.path, paths, reader_options_, now,
                                   replay_.get(), scan_progress_);
      },
      now);
}

void SitePipeline::note_not_writable(const std::string& reason) {
  // On a fallback, its reason stays the one reported: a failed write is no news then.
  if (health_.set_not_writable(not_writable_.empty() ? reason : not_writable_)) {
    log::error("index", config_.store.index.string() + " is not writable (" + reason +
                            "): the scan was rolled back; still serving the last snapshot and "
                            "retrying");
  }
}

storage::ScanReport SitePipeline::rebuild(const storage::IndexError& error,
                                          std::chrono::sys_seconds now) {
  drop_early_catalogs();  // its connection too: on closing it could take the new -wal file
  index_.reset();         // close the connection before its files move
  auto opened = replace_unusable_index(config_.store.index, config_.site.base_url, error, now);
  opened.moved_aside.reset();  // counted here, whether or not it could be moved aside
  adopt(std::move(opened));
  ++replacements_;
  health_.count_recovery();
  return fill_index(now);
}

bool SitePipeline::holds_nothing() {
  try {
    return !index_->holds_files();
  } catch (const storage::IndexError&) {
    return false;
  }
}

storage::ScanReport SitePipeline::scan_in_temporary(const std::string& reason,
                                                    std::chrono::sys_seconds now) {
  auto opened = temporary_index(config_.store.index, config_.site.base_url,
                                "holds nothing yet and cannot be written (" + reason + ")");
  index_ = std::move(opened.index);
  not_writable_ = reason;
  temporary_ = true;
  ++replacements_;
  try {
    return scan_whole_store(*index_, now);
  } catch (const storage::IndexError& error) {
    if (error.fault() != storage::IndexFault::not_writable) {
      throw;
    }
    return scan_in_memory(error.cause(), now);
  }
}

storage::ScanReport SitePipeline::scan_in_memory(const std::string& reason,
                                                 std::chrono::sys_seconds now) {
  // A full disk may well be the one temporary files go to: memory is all that is left.
  log::error("index", "the temporary index cannot be written either (" + reason +
                          "): serving from an in-memory index rebuilt from the store until " +
                          config_.store.index.string() + " can be written");
  index_ = std::make_unique<storage::Index>(":memory:", config_.site.base_url);
  temporary_ = false;
  ++replacements_;
  return scan_whole_store(*index_, now);
}

std::optional<storage::ScanReport> SitePipeline::reopen(std::chrono::sys_seconds now) {
  if (not_writable_.empty()) {
    return std::nullopt;
  }
  std::unique_ptr<storage::Index> real;
  storage::ScanReport report;
  try {
    real = std::make_unique<storage::Index>(config_.store.index, config_.site.base_url);
    // Scanned before it is used: a disk still full fails here, and the fallback stays.
    report = scan_whole_store(*real, now);
  } catch (const storage::IndexError& error) {
    if (error.fault() == storage::IndexFault::unusable) {
      real.reset();
      return rebuild(error, now);  // moves it aside and builds the real one afresh
    }
    health_.set_not_writable(not_writable_);  // one more failure, same state
    return std::nullopt;
  }
  index_ = std::move(real);
  not_writable_.clear();
  temporary_ = false;
  ++replacements_;
  log::info("index", config_.store.index.string() + " can be written again: using it");
  return report;
}

storage::ScanReport SitePipeline::finish_scan(storage::ScanReport report, bool follow) {
  if (clock_) {
    if (auto failure = clock_->take_failure(); !failure.empty()) {
      log::warning("store", "git history: " + failure + " (edit times are the times seen)");
    }
  }
  if (not_writable_.empty() && health_.set_writable()) {
    log::info("index", config_.store.index.string() + " is writable again: index up to date");
  }
  log_report(report);
  if (follow) {
    follow_keys(report.applied.keys_written);
  }
  return report;
}

void SitePipeline::follow_keys(const std::vector<std::string>& keys) {
  if (catalogs_) {
    catalog_keys_.insert(catalog_keys_.end(), keys.begin(), keys.end());
  }
}

void SitePipeline::log_report(const storage::ScanReport& report) {
  for (const auto* problems : {&report.unreadable, &report.skipped_directories}) {
    for (const auto& problem : *problems) {
      log::warning("store", problem.to_string());
    }
  }
  // Bad post files are data problems, not daemon errors: warnings, once, when first seen.
  for (const auto& problem : report.applied.problems) {
    log::warning("store", problem.to_string());
  }
  log::info("store", "scanned " + std::to_string(report.files_seen) + " files (" +
                         std::to_string(report.files_read) + " read, " +
                         std::to_string(report.files_parsed) +
                         " parsed): " + std::to_string(report.applied.added) + " posts added, " +
                         std::to_string(report.applied.changed) + " changed, " +
                         std::to_string(report.applied.deleted) + " deleted");
}

void SitePipeline::abandon_catalogs() {
  // Never destroyed (a leaked vector, not a static one: static destructors run at exit).
  static std::mutex mutex;
  static auto& abandoned = *new std::vector<AbandonedCatalogs>;
  const std::lock_guard lock(mutex);
  abandoned.push_back(
      {std::move(catalogs_), std::move(topics_), std::move(listed_), std::move(archives_)});
  catalog_keys_.clear();  // the moved-from catalogs_ and listed_ are null
  topics_ = feeds::TopicCatalog::build({}, 0);
  archives_ = feeds::ArchiveCatalog::build({}, feeds::ArchiveCatalog::Options{});
}

std::vector<feeds::RenderedFeed> SitePipeline::render(std::chrono::sys_seconds now) {
  // The topic and archive catalogs, from the published posts' light rows (no content).
  update_catalogs(now);
  topics_ = catalogs_->topics(read_index(
      [&](storage::Index& index) { return collect_gone_topic_posts(index, config_, now); }, now));
  archives_ = catalogs_->archives();
  auto contents = read_index(
      [&](storage::Index& index) { return collect_feeds(index, config_, site_, now, &parsed_); },
      now);
  for (auto& content : contents) {
    content.archive_newest = archives_->newest_page(content.lang);
  }
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
  // The topics: listed (pages, OPML) now, again only when a listed fact changed; their
  // feeds are rendered on request.
  if (!listed_ || !same_listing(*listed_, *topics_)) {
    topic_pages_ = feeds::render_topic_pages(site_, *topics_);
    topic_pages_.push_back(feeds::render_opml(site_, *topics_));
  }
  listed_ = topics_;
  rendered.insert(rendered.end(), topic_pages_.begin(), topic_pages_.end());
  // The stylesheet changes only with the program: it carries no date of its own (no
  // Last-Modified: a build time there would differ between replicas).
  rendered.push_back(
      {"feed.css", "text/css; charset=utf-8", std::string(feeds::feed_css()), feeds::kUndated});
  return rendered;
}

bool SitePipeline::catalogs_follow(std::chrono::sys_seconds now) {
  if (!catalogs_ || replacements_ != catalogs_replacements_ || now < catalogs_at_) {
    return false;
  }
  // A post whose publication time came since is in no written key: read again as one.
  if (now > catalogs_at_) {
    auto due = read_index(
        [&](storage::Index& index) { return index.keys_published_between(catalogs_at_, now); },
        now);
    catalog_keys_.insert(catalog_keys_.end(), due.begin(), due.end());
  }
  return catalog_keys_.size() <= std::max<std::size_t>(1000, catalogs_->size() / 8);
}

void SitePipeline::update_catalogs(std::chrono::sys_seconds now) {
  try {
    if (catalogs_follow(now)) {
      std::sort(catalog_keys_.begin(), catalog_keys_.end());
      catalog_keys_.erase(std::unique(catalog_keys_.begin(), catalog_keys_.end()),
                          catalog_keys_.end());
      auto rows = read_index(
          [&](storage::Index& index) { return index.published_topics_of(catalog_keys_, now); },
          now);
      if (replacements_ == catalogs_replacements_) {  // else: read from a rebuilt index
        catalogs_->apply(catalog_keys_, std::move(rows));
        catalog_keys_.clear();
        catalogs_at_ = now;
        return;
      }
    }
    catalogs_.reset();
    catalog_keys_.clear();
    // Rows go straight from the query into the catalogs (no list of them all); a read that
    // fails and is retried on a rebuilt index starts again from empty catalogs.
    catalogs_ = read_index([&](storage::Index& index) { return read_catalogs(index, now); }, now);
    catalogs_at_ = now;
    catalogs_replacements_ = replacements_;
    ++catalog_builds_;
  } catch (...) {
    catalogs_.reset();  // half updated: made from scratch next time
    throw;
  }
}

std::unique_ptr<feeds::PostCatalogs> SitePipeline::read_catalogs(
    storage::Index& index, std::chrono::sys_seconds now) const {
  auto catalogs = std::make_unique<feeds::PostCatalogs>(
      static_cast<std::size_t>(config_.feeds.topic_entries),
      feeds::site_digest(site_) + std::to_string(config_.feeds.topic_entries), archive_options());
  catalogs->reserve(static_cast<std::size_t>(index.count_published("", now)));
  // Rows are read here and added to the catalogs on a second thread (see row_handoff.h).
  RowHandoff<storage::PostTopics> handoff(
      kCatalogBatchRows, kCatalogBatches,
      [&catalogs](storage::PostTopics&& row) { catalogs->add(std::move(row)); });
  index.visit_published_topics(now,
                               [&](storage::PostTopics&& row) { handoff.push(std::move(row)); });
  handoff.finish();
  catalogs->settle();  // here: beside a scan, the topic and archive indexes fill on this thread
  return catalogs;
}

feeds::ArchiveCatalog::Options SitePipeline::archive_options() const {
  feeds::ArchiveCatalog::Options options;
  for (const LanguageConfig& language : config_.languages) {
    options.langs.push_back(language.code);
  }
  options.entries = static_cast<std::size_t>(config_.feeds.entries);
  options.page_size = static_cast<std::size_t>(config_.feeds.archive_size);
  options.salt = feeds::site_digest(site_) + std::to_string(config_.feeds.archive_size);
  return options;
}

feeds::RenderedFeed SitePipeline::render_archive(const feeds::ArchivePage& page,
                                                 std::chrono::sys_seconds now) {
  return feeds::render_feed(site_, collect_archive(page, now), feeds::FeedFormat::atom);
}

feeds::RenderedFeed SitePipeline::render_topic(const feeds::CatalogTopic& topic,
                                               feeds::FeedFormat format,
                                               std::chrono::sys_seconds now) {
  return feeds::render_feed(site_, collect_topic(topic, now), format);
}

feeds::FeedContent SitePipeline::collect_archive(const feeds::ArchivePage& page,
                                                 std::chrono::sys_seconds now, bool parse,
                                                 RecentEntries* recent) {
  rollback_held();
  return read_index(
      [&](storage::Index& index) {
        return collect_archive_page(index, site_, page, now, &parsed_, parse, recent);
      },
      now);
}

feeds::FeedContent SitePipeline::collect_topic(const feeds::CatalogTopic& topic,
                                               std::chrono::sys_seconds now, bool parse) {
  rollback_held();
  return read_index(
      [&](storage::Index& index) {
        return collect_topic_feed(index, site_, topic, now, &parsed_, parse);
      },
      now);
}

}  // namespace feedd::daemon
