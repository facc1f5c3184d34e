// Owns the index for one configuration and turns the store into rendered feeds: scan (read
// changed files into the index), then render (query + feeds::render_feed_set). NOT
// thread-safe: use it from one thread (the indexer). Logs what each scan did. The index is
// kept usable (daemon/pipeline/index_opener.h): an unusable one, at start-up or met by any scan or
// query, is moved aside and rebuilt from the store; one that cannot be written is reported
// through IndexHealth (logged once per change) and scans throw storage::IndexError
// (not_writable) after rolling back, so the caller keeps serving what it has.
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/pipeline/entry_query.h"
#include "daemon/pipeline/index_health.h"
#include "daemon/pipeline/index_opener.h"
#include "feeds/archive_catalog.h"
#include "feeds/feed_set.h"
#include "feeds/post_catalogs.h"
#include "feeds/topic_catalog.h"
#include "storage/history/git_change_clock.h"
#include "storage/history/replay_clock.h"
#include "storage/index/index.h"
#include "storage/store_scan.h"

namespace feedd::daemon {

class SitePipeline {
 public:
  // Opens the index (see index_opener.h). `health` (borrowed, may be null: a private one
  // is used) receives the index's writability.
  explicit SitePipeline(const Config& config, IndexHealth* health = nullptr);

  // Whether a scan also reads the topic and archive catalogs, for a render() that follows.
  enum class CatalogsBeside { no, yes };
  // Scans the whole store into the index and logs the outcome and every new problem. With
  // CatalogsBeside::yes and no catalogs yet, they are read beside the scan (from the index
  // as it was, on a thread and connection of their own) and then follow the posts the scan
  // wrote: a large store's first render does not read them all again after the scan.
  storage::ScanReport scan(std::chrono::sys_seconds now,
                           CatalogsBeside catalogs = CatalogsBeside::no);
  // Scans only `paths` (relative to the store, as the watcher reports them); the whole
  // store when the index was just replaced.
  storage::ScanReport scan_paths(const std::vector<std::string>& paths,
                                 std::chrono::sys_seconds now);
  // What every later scan (whole store, named paths, held) reports after each chunk of files
  // read (see storage::ScanProgress); none by default.
  void on_scan_progress(storage::ScanProgress progress) { scan_progress_ = std::move(progress); }
  // Held scans: a change prepared while the watcher waits for its quiet moment (see
  // daemon/live/regenerator.h). Scans `paths` as scan_paths() does, but its writes are held
  // (storage::Index::hold_commits): render() and read_index() see them, no one else does.
  // nullopt, with nothing held, when nothing was written, the index is on a fallback or not
  // writable, or the scan failed (the caller then scans as usual, which meets the failure
  // again and reports it). commit_held() makes the writes durable and logs the scan as
  // scan_paths() would (IndexError when the commit fails: then rolled back); rollback_held()
  // forgets them. scan(), scan_paths(), render_topic(), render_archive() and index() roll
  // held writes back first: nothing else ever sees a post that is not committed.
  std::optional<storage::ScanReport> scan_paths_held(const std::vector<std::string>& paths,
                                                     std::chrono::sys_seconds now);
  bool holds_scan() const { return held_.has_value(); }
  void commit_held();
  void rollback_held();

  // Renders everything published from the index as it is now: every feed, the HTML pages
  // ("", "L/", "tags/" and "L/tags/", see feeds/html_pages.h), "feeds.opml" and "feed.css";
  // paths relative to feeds_url. A feed whose entries (see feeds/feed_digest.h) are
  // unchanged since the last call is not rendered again: its previous bytes are returned.
  // Topic feeds are not rendered: it builds the topic catalog (topics()) they are rendered
  // from on request, by render_topic(). The topic and archive catalogs are kept between
  // calls and brought up to date from the posts the scans since wrote and the scheduled
  // posts whose time came (see feeds/post_catalogs.h); made from scratch the first time,
  // after the index was replaced, or when many posts changed.
  std::vector<feeds::RenderedFeed> render(std::chrono::sys_seconds now);
  // For a process about to exit (`feedd build`): hands the catalogs to a holder that is never
  // freed, where the kernel takes their pages back at once; freeing a million posts' rows
  // and archive keys one by one took 1.5 s of a 10 s one-file rebuild. They stay reachable
  // (a static holder), so leak checkers do not count them. The pipeline works on: topics()
  // and archives() are empty and the next render() makes the catalogs from scratch.
  void abandon_catalogs();
  // The topics as of the last render() (empty before the first).
  std::shared_ptr<const feeds::TopicCatalog> topics() const { return topics_; }
  // The archive pages (RFC 5005) as of the last render() (none before the first).
  std::shared_ptr<const feeds::ArchiveCatalog> archives() const { return archives_; }
  // Archive page `page` (of archives()), from the index as it is now, as Atom.
  // Throws storage::IndexError.
  feeds::RenderedFeed render_archive(const feeds::ArchivePage& page, std::chrono::sys_seconds now);
  // `topic`'s feed in `format`, from the index as it is now (see collect_topic_feed()),
  // through the same renderer as every feed; bodies the last render() parsed are not parsed
  // again (nor in render_archive()). Throws storage::IndexError.
  feeds::RenderedFeed render_topic(const feeds::CatalogTopic& topic, feeds::FeedFormat format,
                                   std::chrono::sys_seconds now);
  // What render_archive() and render_topic() render, for a caller that renders elsewhere
  // (`feedd build`, on worker threads): with `parse` false, a body the last render() did not
  // parse is left null (Entry::html) for the caller to parse. `recent`: see
  // collect_archive_page(). Throws storage::IndexError.
  feeds::FeedContent collect_archive(const feeds::ArchivePage& page, std::chrono::sys_seconds now,
                                     bool parse = true, RecentEntries* recent = nullptr);
  feeds::FeedContent collect_topic(const feeds::CatalogTopic& topic, std::chrono::sys_seconds now,
                                   bool parse = true);

  // Runs `read(index)`; when the index turns out to be unusable, rebuilds it (moved aside,
  // whole store scanned, logged) and runs `read` once more on the new one. A temporary
  // index that a read cannot write (SQLite spills its page cache to the file then, and
  // $TMPDIR filled up) is replaced by an in-memory one the same way.
  template <class Read>
  auto read_index(Read&& read, std::chrono::sys_seconds now) {
    try {
      return read(*index_);
    } catch (const storage::IndexError& error) {
      if (error.fault() == storage::IndexFault::not_writable && temporary_) {
        log_report(scan_in_memory(error.cause(), now));
        return read(*index_);
      }
      if (error.fault() != storage::IndexFault::unusable) {
        throw;
      }
      log_report(rebuild(error, now));
      return read(*index_);
    }
  }

  storage::Index& index() {
    rollback_held();
    return *index_;
  }
  const IndexHealth& health() const { return health_; }
  // True while a fallback (read-only, temporary or in-memory) stands in for the index file.
  bool on_fallback() const { return !not_writable_.empty(); }
  // Counts the times the index was replaced (rebuilt, or the real one reopened after a
  // fallback): what is served may differ from the new index even if a scan wrote nothing.
  std::uint64_t index_replacements() const { return replacements_; }
  // How many feeds render() has rendered (feeds whose input was unchanged are not counted).
  std::uint64_t feeds_rendered() const { return renders_; }
  // How many times render() made the catalogs from scratch (not from the posts that changed).
  std::uint64_t catalogs_from_scratch() const { return catalog_builds_; }
  // How many of those were read beside a scan (see scan()).
  std::uint64_t catalogs_beside_scans() const { return catalogs_beside_; }
  const feeds::SiteOptions& site() const { return site_; }
  const Config& config() const { return config_; }

 private:
  void log_report(const storage::ScanReport& report);
  // Brings catalogs_ up to date for `now` (see render()).
  void update_catalogs(std::chrono::sys_seconds now);
  // Adds the posts published since catalogs_at_ to catalog_keys_; whether catalogs_ may
  // then be updated from catalog_keys_ alone at `now`.
  bool catalogs_follow(std::chrono::sys_seconds now);
  feeds::ArchiveCatalog::Options archive_options() const;
  // Catalogs made from scratch from every post `index` publishes at `now`.
  std::unique_ptr<feeds::PostCatalogs> read_catalogs(storage::Index& index,
                                                     std::chrono::sys_seconds now) const;
  // Starts reading the catalogs beside a scan (see scan()), when there are none yet and the
  // index is a file that holds posts already.
  void start_early_catalogs(std::chrono::sys_seconds now);
  // Takes them once the scan wrote `report`: they follow its keys. Dropped (made at
  // render() instead) when the read failed or the index was replaced meanwhile.
  void adopt_early_catalogs(const storage::ScanReport& report, std::chrono::sys_seconds now);
  // Waits for an early read and forgets it (before the index file moves).
  void drop_early_catalogs();
  // Moves the unusable index aside, opens a fresh one and scans the whole store into it.
  storage::ScanReport rebuild(const storage::IndexError& error, std::chrono::sys_seconds now);
  // On a fallback: opens the real index again and scans the whole store into it; the
  // report when that worked (the real index is then used), nullopt otherwise.
  std::optional<storage::ScanReport> reopen(std::chrono::sys_seconds now);
  // Updates the health after a scan that worked, logs the report, has the catalogs follow
  // its keys (unless they did already: a held scan) and returns it.
  storage::ScanReport finish_scan(storage::ScanReport report, bool follow = true);
  // The catalogs read these posts again at the next render() (when they are kept).
  void follow_keys(const std::vector<std::string>& keys);
  // Takes over `opened` (see index_opener.h): its index, fallback state and recovery.
  void adopt(OpenedIndex&& opened);
  // scan_whole_store() into index_; when index_ is a file that has never been written (see
  // writes_new_file()), into a new file renamed over it (storage/index/fresh_index.h), which
  // is then index_.
  storage::ScanReport fill_index(std::chrono::sys_seconds now);
  // Whether fill_index() writes a new file: index_ is the real index, and new.
  bool writes_new_file();
  // Closes index_ and opens the real index again (see fill_index()); why not, on a fault
  // open_index() does not deal with: index_ is then null, for the caller to replace.
  std::optional<std::string> reopen_real_index(std::chrono::sys_seconds now);
  // storage::scan_store() of the whole store into `index`, with this pipeline's options.
  storage::ScanReport scan_whole_store(storage::Index& index, std::chrono::sys_seconds now);
  // Runs one scan with the recovery and health rules of the class contract.
  template <class Scan>
  storage::ScanReport run_scan(Scan&& scan, std::chrono::sys_seconds now);
  void note_not_writable(const std::string& reason);
  // Whether the index holds no file at all (a new or rebuilt one).
  bool holds_nothing();
  // Replaces an empty index that cannot be written by a temporary one (see
  // index_opener.h) and scans the whole store into it; into memory when that fails too.
  storage::ScanReport scan_in_temporary(const std::string& reason, std::chrono::sys_seconds now);
  // Replaces a temporary index that cannot be written (its file system is full too) by an
  // in-memory one and scans the whole store into it.
  storage::ScanReport scan_in_memory(const std::string& reason, std::chrono::sys_seconds now);

  // The last rendering of some input, and the digest of that input.
  struct Rendered {
    std::string digest;
    std::vector<feeds::RenderedFeed> rendered;
  };

  const Config& config_;
  storage::ReaderOptions reader_options_;
  feeds::SiteOptions site_;
  IndexHealth own_health_;
  IndexHealth& health_;
  std::unique_ptr<storage::GitChangeClock> clock_;  // null: edit times are the times seen
  std::unique_ptr<storage::ReplayClock> replay_;    // clock_ as the scans use it (or null)
  std::optional<storage::ScanReport> held_;         // the held scan's report, if one is held
  std::unique_ptr<storage::Index> index_;
  storage::ScanProgress scan_progress_;  // see on_scan_progress()
  std::string not_writable_;             // why a fallback stands in for the index; empty: none
  bool temporary_ = false;               // the fallback is a temporary index
  std::map<std::string, Rendered> rendered_feeds_;  // by language ("" for all)
  Rendered pages_;
  ParsedBodies parsed_;  // the bodies of the last collect_feeds(); topic feeds reuse them too
  std::vector<feeds::RenderedFeed> topic_pages_;  // tag pages and OPML of listed_
  std::shared_ptr<const feeds::TopicCatalog> listed_;
  std::shared_ptr<const feeds::TopicCatalog> topics_ = feeds::TopicCatalog::build({}, 0);
  std::shared_ptr<const feeds::ArchiveCatalog> archives_ =
      feeds::ArchiveCatalog::build({}, feeds::ArchiveCatalog::Options{});
  std::unique_ptr<feeds::PostCatalogs> catalogs_;  // null: made from scratch at next render()
  std::vector<std::string> catalog_keys_;          // posts written since catalogs_ was up to date
  std::chrono::sys_seconds catalogs_at_{};         // the `now` it was brought up to date for
  std::uint64_t catalogs_replacements_ = 0;        // replacements_ then
  std::future<std::unique_ptr<feeds::PostCatalogs>> early_catalogs_;  // see scan()
  std::uint64_t early_replacements_ = 0;  // replacements_ when they were started
  std::uint64_t catalog_builds_ = 0;
  std::uint64_t catalogs_beside_ = 0;
  std::uint64_t renders_ = 0;
  std::uint64_t replacements_ = 0;
};

}  // namespace feedd::daemon
