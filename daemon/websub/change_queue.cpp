// WebSubService's change queue: each new snapshot's changed feeds become pings (one per
// external hub) and deliveries (one per subscriber) in the outbox, in one transaction. Changes
// that meet a storage error are kept in memory and queued again later: no later event would
// bring them back.
#include <boost/asio/post.hpp>
#include <iterator>

#include "daemon/log.h"
#include "daemon/websub/feed_changes.h"
#include "daemon/websub/websub_service.h"
#include "storage/index/index_error.h"

namespace feedd::daemon {

namespace asio = boost::asio;
using storage::OutboxKind;

namespace {

constexpr std::string_view kChangeQueueChannel = "websub";

}  // namespace

void WebSubService::snapshot_changed(const feeds::Snapshot& previous, const feeds::Snapshot& next) {
  auto paths = changed_feed_paths(previous, next);
  if (paths.empty()) {
    return;
  }
  asio::post(outbound_.context(),
             [this, paths = std::move(paths)]() mutable { queue_changes(std::move(paths)); });
}

// Dropped after a storage error, a change's pings and deliveries were never sent: no later
// event brings back the paths it changed (a later change queues its own).
void WebSubService::queue_changes(std::vector<std::string> paths) {
  const bool waiting = !unqueued_.empty();  // changes_timer_ is armed to queue them
  unqueued_.insert(std::make_move_iterator(paths.begin()), std::make_move_iterator(paths.end()));
  if (!waiting) {  // else with that retry, not now: the storage failed a moment ago
    queue_unqueued(false);
  }
}

void WebSubService::queue_unqueued(bool retrying) {
  try {
    store_->in_transaction([&] { add_changes(unqueued_); });
  } catch (const storage::IndexError& error) {
    retry_later(changes_timer_, "queueing notifications", error,
                std::to_string(unqueued_.size()) + " changed feed(s) kept",
                [this] { queue_unqueued(true); });
    return;
  }
  if (retrying) {
    log::info(kChangeQueueChannel, "queued the notifications of " +
                                       std::to_string(unqueued_.size()) +
                                       " changed feed(s) kept after a storage error");
  }
  unqueued_.clear();
  guarded("counting outgoing work", [&] { update_gauges(); });  // the queued work must start
  pump();
}

void WebSubService::add_changes(const std::set<std::string>& paths) {
  const auto now = now_ms();
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  for (const std::string& path : paths) {
    const std::string topic = options_.feeds_url.substr(0, options_.feeds_url.size() - 1) + path;
    for (const std::string& hub : options_.hubs) {
      store_->add(OutboxKind::publish, hub, topic, now);
    }
    if (options_.builtin_hub) {
      for (const auto& subscription : store_->subscribers(topic, seconds)) {
        // Marked when its callback failed before: it waits in the suspect lane, unclaimed
        // while that lane's share of the window is full.
        store_->add(OutboxKind::deliver, subscription.callback, topic, now,
                    failing_callbacks_.contains(subscription.callback));
      }
    }
  }
}

}  // namespace feedd::daemon
