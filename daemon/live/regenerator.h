// Keeps the served snapshot in step with the store: scans (the whole store, or the paths a
// watcher reports), rebuilds the snapshot when the index changed or a scheduled post's time
// came, and publishes it. Also owns the timers: the periodic safety rescan and the one that
// wakes up for the next scheduled post (or RFC 6721 tombstone expiry). Everything runs on the
// control io_context's single thread, the only one that touches the index. A failed scan or
// rebuild is logged and the last snapshot keeps being served; then (and while the index
// cannot be written, see IndexHealth) the whole store is rescanned after 1, 2, 4, ... 60 s
// until a whole rescan succeeds and its snapshot is published, so nothing a failed attempt
// carried waits for the next change: the service recovers by itself when space returns or
// another process's lock is gone.
// While the watcher waits for its quiet moment, the change it has seen so far may be
// prepared (prepare_paths()): scanned with its index writes held and its snapshot built,
// neither committed nor published; when the quiet moment comes with no event since, that
// snapshot is published at once (the wait and the work overlap), else it is dropped and the
// change scanned as usual. Nothing prepared is ever seen before it is committed.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/http/snapshot_store.h"
#include "daemon/pipeline/site_pipeline.h"

namespace feedd::daemon {

class Regenerator {
 public:
  Regenerator(boost::asio::io_context& io, const Config& config, SitePipeline& pipeline,
              SnapshotStore& store, std::uint64_t first_generation);

  // Arms the timers (periodic rescan, next scheduled post).
  void start();
  void stop();

  // On the control thread.
  void rescan_all(std::string_view reason);
  // `events`: the watcher's count of events that led to these changes (StoreChanges).
  void rescan_paths(const std::vector<std::string>& paths, std::uint64_t events = 0);
  // Prepares the change to `paths` as the watcher saw it after `events` (see above).
  void prepare_paths(const std::vector<std::string>& paths, std::uint64_t events);
  // Drops the change being prepared (its held writes are rolled back), if any.
  void drop_prepared();
  // Changes published as prepared during the quiet period, and preparations dropped.
  std::uint64_t prepared_published() const { return prepared_published_; }
  std::uint64_t prepared_dropped() const { return prepared_dropped_; }

  std::uint64_t generation() const { return generation_.load(); }

  // Called on the control thread after each snapshot it publishes, with the one it replaced
  // (cache purges); must not block.
  using Published =
      std::function<void(const feeds::Snapshot& previous, const feeds::Snapshot& next)>;
  void on_published(Published published) { published_ = std::move(published); }

 private:
  // A snapshot built and not yet published.
  struct Built {
    std::shared_ptr<const feeds::Snapshot> previous;  // the one it follows
    std::shared_ptr<const feeds::Snapshot> next;
    bool due_only = false;  // only a scheduled post's time changed it
    std::chrono::steady_clock::duration took{};
  };
  // A change prepared during the quiet period (its scan is held by the pipeline).
  struct Prepared {
    std::vector<std::string> paths;
    std::uint64_t events = 0;
    std::optional<Built> built;  // none: nothing to publish
  };

  // What an attempt scans: every file (its success settles a failed scan), or a part of the
  // store (some paths, or none: a scheduled post's time).
  enum class Scope { whole_store, part };
  template <class Scan>
  void attempt(Scan&& scan, std::string_view why, Scope scope);
  void publish_if(const storage::ApplyResult& applied, std::string_view why);
  std::optional<Built> build_if(const storage::ApplyResult& applied, std::chrono::sys_seconds now);
  void publish(Built built, std::string_view why);
  // Publishes prepared_ if it is what the watcher reports now; false when it is not.
  bool publish_prepared(const std::vector<std::string>& paths, std::uint64_t events);
  void arm_periodic();
  void arm_scheduled();
  // While the index is not writable or an attempt's work is owed (below): a whole rescan
  // after 1, 2, 4 ... 60 s.
  void arm_retry();

  // Fixed after construction.
  const Config& config_;
  SitePipeline& pipeline_;
  SnapshotStore& store_;
  // Used on the control thread only.
  boost::asio::steady_timer periodic_;
  boost::asio::steady_timer scheduled_;
  boost::asio::steady_timer retry_;
  std::chrono::seconds retry_after_{0};  // 0: no retry pending
  // A scan failed (a lock another process held, a read error): its rollback forgot which
  // files it carried, so only a whole rescan that succeeds settles it; a later scan of
  // other paths does not.
  bool rescan_owed_ = false;
  // A scan committed changes that no published snapshot shows (building or publishing it
  // threw): the next attempt builds one even if its own scan changes nothing.
  bool snapshot_owed_ = false;
  std::uint64_t replacements_seen_ = 0;          // pipeline_.index_replacements() last published
  std::chrono::sys_seconds next_publication_{};  // a scheduled post's time or a tombstone's expiry
  bool stopped_ = false;
  std::optional<Prepared> prepared_;
  std::uint64_t prepared_published_ = 0;
  std::uint64_t prepared_dropped_ = 0;
  Published published_;
  std::atomic<std::uint64_t> generation_;
};

}  // namespace feedd::daemon
