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
  stopped_ = true;
  periodic_.cancel();
  scheduled_.cancel();
  retry_.cancel();
}

template <class Scan>
void Regenerator::attempt(Scan&& scan, std::string_view why) {
  try {
    auto report = scan();
    publish_if(report.applied, why);
  } catch (const storage::IndexError& error) {
    // An index that cannot be written is logged by the pipeline, once per change (a read
    // failing while rendering is not a scan: logged here).
    if (error.fault() != storage::IndexFault::not_writable || pipeline_.health().writable()) {
      log::error(kRegenerateChannel,
                 std::string(why) + ": failed, still serving the last snapshot: " + error.what());
    }
  } catch (const std::exception& error) {
    log::error(kRegenerateChannel,
               std::string(why) + ": failed, still serving the last snapshot: " + error.what());
  }
  arm_retry();
}

void Regenerator::rescan_all(std::string_view reason) {
  stall_indexer_if_asked();
  attempt([&] { return pipeline_.scan(common::now_seconds()); }, reason);
}

void Regenerator::rescan_paths(const std::vector<std::string>& paths) {
  stall_indexer_if_asked();
  attempt([&] { return pipeline_.scan_paths(paths, common::now_seconds()); }, "store changed");
}

void Regenerator::arm_retry() {
  if (stopped_ || pipeline_.health().writable()) {
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

void Regenerator::publish_if(const storage::ApplyResult& applied, std::string_view why) {
  auto now = common::now_seconds();
  // A replaced index (rebuilt, or reopened after a fallback) may differ from what is served.
  const bool replaced = pipeline_.index_replacements() != replacements_seen_;
  const bool changed = applied.wrote() || replaced;
  // A scheduled post whose time has come changes the feeds without any file changing.
  bool due = next_publication_ != std::chrono::sys_seconds{} && next_publication_ <= now;
  const bool recount =
      due || replaced || applied.added > 0 || applied.deleted > 0 || applied.reclassified;
  if (!changed && !due) {
    return;
  }
  auto previous = store_.load();
  auto started = std::chrono::steady_clock::now();
  auto next = build_snapshot(pipeline_, config_, now, generation_ + 1, previous.get(), recount);
  const std::size_t total = next->resources().size();
  const std::size_t changed_resources = total - next->reused();
  std::shared_ptr<const feeds::Snapshot> published = next;
  store_.publish(std::move(next));
  ++generation_;
  replacements_seen_ = pipeline_.index_replacements();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log::info(kRegenerateChannel, std::string(due && !changed ? "scheduled post due" : why) + ": snapshot " +
                          std::to_string(generation_) + " published, " +
                          std::to_string(changed_resources) + " of " + std::to_string(total) +
                          " resources changed (" + std::to_string(took.count()) + " ms)");
  if (published_ && previous) {
    published_(*previous, *published);
  }
  arm_scheduled();
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
      attempt([] { return storage::ScanReport{}; }, "scheduled post due");
    } else {
      arm_scheduled();
    }
  });
}

}  // namespace feedd::daemon
