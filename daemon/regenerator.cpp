#include "daemon/regenerator.h"

#include <algorithm>

#include "daemon/clock.h"
#include "daemon/indexer_stall.h"
#include "daemon/log.h"
#include "daemon/snapshot_builder.h"

namespace feedd::daemon {
namespace {

constexpr std::string_view kChannel = "regenerate";

}  // namespace

Regenerator::Regenerator(boost::asio::io_context& io, const Config& config,
                         SiteGenerator& generator, SnapshotStore& store,
                         std::uint64_t first_generation)
    : config_(config),
      generator_(generator),
      store_(store),
      periodic_(io),
      scheduled_(io),
      generation_(first_generation) {}

void Regenerator::start() {
  arm_periodic();
  arm_scheduled();
}

void Regenerator::stop() {
  stopped_ = true;
  periodic_.cancel();
  scheduled_.cancel();
}

void Regenerator::rescan_all(std::string_view reason) {
  stall_indexer_if_asked();
  try {
    auto report = generator_.scan(now_seconds());
    publish_if(report.applied, reason);
  } catch (const std::exception& error) {
    log::error(kChannel, std::string(reason) + ": scan failed, still serving the last snapshot: " +
                             error.what());
  }
}

void Regenerator::rescan_paths(const std::vector<std::string>& paths) {
  stall_indexer_if_asked();
  try {
    auto report = generator_.scan_paths(paths, now_seconds());
    publish_if(report.applied, "store changed");
  } catch (const std::exception& error) {
    log::error(kChannel, std::string("scan failed, still serving the last snapshot: ") +
                             error.what());
  }
}

void Regenerator::publish_if(const storage::ApplyResult& applied, std::string_view why) {
  auto now = now_seconds();
  const bool changed = applied.wrote();
  // A scheduled post whose time has come changes the feeds without any file changing.
  bool due = next_publication_ != std::chrono::sys_seconds{} && next_publication_ <= now;
  const bool recount = due || applied.added > 0 || applied.deleted > 0 || applied.reclassified;
  if (!changed && !due) {
    return;
  }
  auto previous = store_.load();
  auto started = std::chrono::steady_clock::now();
  auto next = build_snapshot(generator_, config_, now, generation_ + 1, previous.get(), recount);
  const std::size_t total = next->resources().size();
  const std::size_t changed_resources = total - next->reused();
  store_.publish(std::move(next));
  ++generation_;
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log::info(kChannel, std::string(due && !changed ? "scheduled post due" : why) + ": snapshot " +
                          std::to_string(generation_) + " published, " +
                          std::to_string(changed_resources) + " of " + std::to_string(total) +
                          " resources changed (" + std::to_string(took.count()) + " ms)");
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
    next = generator_.index().next_publication_after(now_seconds());
  } catch (const std::exception& error) {
    log::error(kChannel, std::string("looking for scheduled posts: ") + error.what());
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
    if (next_publication_ <= now_seconds()) {
      publish_if({}, "scheduled post due");  // re-arms for the next one
    } else {
      arm_scheduled();
    }
  });
}

}  // namespace feedd::daemon
