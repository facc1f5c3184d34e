// Keeps the served snapshot in step with the store: scans (the whole store, or the paths a
// watcher reports), rebuilds the snapshot when the index changed or a scheduled post's time
// came, and publishes it. Also owns the timers: the periodic safety rescan and the one that
// wakes up for the next scheduled post. Everything except request_rescan() runs on the
// control io_context's single thread, the only one that touches the index. A failed scan or
// rebuild is logged and the last snapshot keeps being served.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/site_generator.h"
#include "daemon/snapshot_store.h"

namespace feedd::daemon {

class Regenerator {
 public:
  // Called after the scan's work and before the snapshot is rebuilt: e.g. `git pull`.
  using BeforeRescan = std::function<void()>;

  Regenerator(boost::asio::io_context& io, const Config& config, SiteGenerator& generator,
              SnapshotStore& store, std::uint64_t first_generation);

  // Arms the timers (periodic rescan, next scheduled post).
  void start();
  void stop();

  // On the control thread.
  void rescan_all(std::string_view reason);
  void rescan_paths(const std::vector<std::string>& paths);

  // From any thread: asks for a full rescan, running `before` first on the control thread.
  // Requests that arrive while one is pending join it (a burst of hooks is one rescan).
  // Returns false when it joined a pending request.
  bool request_rescan(std::string reason, BeforeRescan before = {});

  std::uint64_t generation() const { return generation_.load(); }

 private:
  void publish_if(const storage::ApplyResult& applied, std::string_view why);
  void arm_periodic();
  void arm_scheduled();

  // Fixed after construction.
  boost::asio::io_context& io_;
  const Config& config_;
  SiteGenerator& generator_;
  SnapshotStore& store_;
  // Used on the control thread only.
  boost::asio::steady_timer periodic_;
  boost::asio::steady_timer scheduled_;
  std::chrono::sys_seconds next_publication_{};  // the scheduled post's time, if armed
  bool stopped_ = false;
  // Expires with this object: work posted to io_ checks it before touching `this`.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  // Shared with other threads.
  std::atomic<bool> rescan_pending_{false};
  std::atomic<std::uint64_t> generation_;
};

}  // namespace feedd::daemon
