#include "daemon/live/regenerator.h"

#include <algorithm>

#include "common/clock.h"
#include "daemon/live/indexer_stall.h"
#include "daemon/log.h"
#include "daemon/pipeline/snapshot_builder.h"

namespace feedd::daemon {
namespace {

constexpr std::string_view kRegenerateChannel = "regenerate";

}  // namespace

Regenerator::Regenerator(boost::asio::io_context& io, const Config& config, SitePipeline& pipeline,
                         SnapshotStore& store, std::uint64_t first_generation)
    : config_(config),
      pipeline_(pipeline),
      store_(store),
      periodic_(io),
      scheduled_(io),
      retry_(io),
      replacements_seen_(pipeline.index_replacements()),
      generation_(first_generation) {}

void Regenerator::start() {
  arm_periodic();
  arm_scheduled();
  arm_retry();
}

void Regenerator::stop() {
  drop_prepared();
  stopped_ = true;
  periodic_.cancel();
  scheduled_.cancel();
  retry_.cancel();
}

template <class Scan>
void Regenerator::attempt(Scan&& scan, std::string_view why, Scope scope) {
  drop_prepared();  // it would see what was prepared, or undo it
  bool scanned = false;
  try {
    auto report = scan();
    scanned = true;
    snapshot_owed_ = snapshot_owed_ || report.applied.wrote();
    publish_if(report.applied, why);
    if (scope == Scope::whole_store) {
      rescan_owed_ = false;
    }
  } catch (const storage::IndexError& error) {
    rescan_owed_ = rescan_owed_ || !scanned;
    // An index that cannot be written is logged by the pipeline, once per change (a read
    // failing while rendering is not a scan: logged here).
    if (error.fault() != storage::IndexFault::not_writable || pipeline_.health().writable()) {
      log::error(kRegenerateChannel,
                 std::string(why) + ": failed, still serving the last snapshot: " + error.what());
    }
  } catch (const std::exception& error) {
    rescan_owed_ = rescan_owed_ || !scanned;
    log::error(kRegenerateChannel,
               std::string(why) + ": failed, still serving the last snapshot: " + error.what());
  }
  arm_retry();
}

void Regenerator::rescan_all(std::string_view reason) {
  stall_indexer_if_asked();
  attempt([&] { return pipeline_.scan(common::now_seconds(), SitePipeline::CatalogsBeside::yes); },
          reason, Scope::whole_store);
}

void Regenerator::rescan_paths(const std::vector<std::string>& paths, std::uint64_t events) {
  stall_indexer_if_asked();
  if (publish_prepared(paths, events)) {
    return;
  }
  attempt([&] { return pipeline_.scan_paths(paths, common::now_seconds()); }, "store changed",
          Scope::part);
}

void Regenerator::prepare_paths(const std::vector<std::string>& paths, std::uint64_t events) {
  drop_prepared();
  if (stopped_) {
    return;
  }
  stall_indexer_if_asked();
  try {
    const auto now = common::now_seconds();
    auto report = pipeline_.scan_paths_held(paths, now);
    if (!report) {
      return;  // nothing held: the quiet moment scans as usual
    }
    prepared_ = Prepared{paths, events, build_if(report->applied, now)};
  } catch (const std::exception&) {
    // The usual scan at the quiet moment meets the failure again, and reports it.
    pipeline_.rollback_held();
    prepared_.reset();
  }
}

bool Regenerator::publish_prepared(const std::vector<std::string>& paths, std::uint64_t events) {
  if (!prepared_) {
    return false;
  }
  // Only the very change prepared, still held, following what is served: anything else
  // (an event since, a topic render that rolled it back, another publish) is scanned anew.
  if (prepared_->paths != paths || prepared_->events != events || !pipeline_.holds_scan() ||
      (prepared_->built && prepared_->built->previous != store_.load())) {
    drop_prepared();
    return false;
  }
  auto prepared = std::move(*prepared_);
  prepared_.reset();
  try {
    pipeline_.commit_held();
  } catch (const std::exception&) {
    ++prepared_dropped_;
    return false;  // undone: the usual scan meets the failure again, and reports it
  }
  ++prepared_published_;
  if (prepared.built) {
    publish(std::move(*prepared.built), "store changed (prepared during the quiet period)");
  }
  arm_retry();
  return true;
}

void Regenerator::drop_prepared() {
  if (prepared_) {
    ++prepared_dropped_;
  }
  prepared_.reset();
  pipeline_.rollback_held();
}

void Regenerator::arm_retry() {
  if (stopped_ || (pipeline_.health().writable() && !rescan_owed_ && !snapshot_owed_)) {
    retry_after_ = std::chrono::seconds(0);
    retry_.cancel();
    return;
  }
  if (retry_after_.count() != 0 && retry_.expiry() > std::chrono::steady_clock::now()) {
    return;  // one is pending
  }
  retry_after_ = std::clamp(retry_after_ * 2, std::chrono::seconds(1), std::chrono::seconds(60));
  retry_.expires_after(retry_after_);
  retry_.async_wait([this](boost::system::error_code ec) {
    if (!ec && !stopped_) {
      rescan_all("retrying the index");
    }
  });
}

std::optional<Regenerator::Built> Regenerator::build_if(const storage::ApplyResult& applied,
                                                        std::chrono::sys_seconds now) {
  // A replaced index (rebuilt, or reopened after a fallback) may differ from what is served.
  const bool replaced = pipeline_.index_replacements() != replacements_seen_;
  const bool changed = applied.wrote() || replaced || snapshot_owed_;
  // A scheduled post whose time has come changes the feeds without any file changing.
  const bool due = next_publication_ != std::chrono::sys_seconds{} && next_publication_ <= now;
  const bool recount = due || replaced || snapshot_owed_ || applied.added > 0 ||
                       applied.deleted > 0 || applied.reclassified;
  if (!changed && !due) {
    return std::nullopt;
  }
  Built built;
  built.previous = store_.load();
  built.due_only = due && !changed;
  const auto started = std::chrono::steady_clock::now();
  built.next =
      build_snapshot(pipeline_, config_, now, generation_ + 1, built.previous.get(), recount);
  built.took = std::chrono::steady_clock::now() - started;
  return built;
}

void Regenerator::publish(Built built, std::string_view why) {
  const auto started = std::chrono::steady_clock::now();
  const std::size_t total = built.next->resources().size();
  const std::size_t changed_resources = total - built.next->reused();
  std::shared_ptr<const feeds::Snapshot> published = built.next;
  store_.publish(std::move(built.next));
  snapshot_owed_ = false;  // built from the index as it is, every committed scan included
  ++generation_;
  replacements_seen_ = pipeline_.index_replacements();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      built.took + (std::chrono::steady_clock::now() - started));
  log::info(kRegenerateChannel, std::string(built.due_only ? "scheduled post due" : why) +
                                    ": snapshot " + std::to_string(generation_) + " published, " +
                                    std::to_string(changed_resources) + " of " +
                                    std::to_string(total) + " resources changed (" +
                                    std::to_string(took.count()) + " ms)");
  if (published_ && built.previous) {
    published_(*built.previous, *published);
  }
  arm_scheduled();
}

void Regenerator::publish_if(const storage::ApplyResult& applied, std::string_view why) {
  if (auto built = build_if(applied, common::now_seconds())) {
    publish(std::move(*built), why);
  }
}

void Regenerator::arm_periodic() {
  if (config_.store.rescan.count() == 0 || stopped_) {
    return;
  }
  periodic_.expires_after(config_.store.rescan);
  periodic_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) {
      return;
    }
    rescan_all("periodic rescan");
    arm_periodic();
  });
}

void Regenerator::arm_scheduled() {
  if (stopped_) {
    return;
  }
  std::optional<std::chrono::sys_seconds> next;
  try {
    const auto now = common::now_seconds();
    next = pipeline_.index().next_publication_after(now);
    // A tombstone leaves the Atom feeds feeds.tombstone_days after its post went away.
    if (const std::chrono::days days(config_.feeds.tombstone_days); days.count() > 0) {
      if (auto oldest = pipeline_.index().oldest_gone_since(now - days)) {
        const auto expiry = *oldest + days + std::chrono::seconds(1);
        next = next ? std::min(*next, expiry) : expiry;
      }
    }
  } catch (const std::exception& error) {
    log::error(kRegenerateChannel, std::string("looking for scheduled posts: ") + error.what());
  }
  next_publication_ = next.value_or(std::chrono::sys_seconds{});
  if (!next) {
    scheduled_.cancel();
    return;
  }
  // Wall-clock time to a steady timer: re-armed after every publish and periodic rescan, so
  // a clock step delays a scheduled post by at most one rescan period.
  // Waits of at most an hour: a post dated centuries ahead must not overflow the steady
  // clock, and a wall-clock step is caught up within the hour.
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
      *next - std::chrono::system_clock::now() + std::chrono::milliseconds(5));
  wait = std::clamp(wait, std::chrono::milliseconds::zero(),
                    std::chrono::milliseconds(std::chrono::hours(1)));
  scheduled_.expires_after(wait);
  scheduled_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) {
      return;
    }
    if (next_publication_ <= common::now_seconds()) {
      // Re-arms for the next one.
      attempt([] { return storage::ScanReport{}; }, "scheduled post due", Scope::part);
    } else {
      arm_scheduled();
    }
  });
}

}  // namespace feedd::daemon
