// WebSubService (websub_service.h): construction, start and the last writes at destruction,
// and what all its parts share: the handling of storage errors (guarded(), retry_later()) and
// the gauges. The rest of the class lives by concept: change_queue.cpp (changed feeds into the
// outbox), outbox.cpp (claims, the sending window, outcomes), notifications.cpp (one ping or
// delivery) and hub_intent.cpp (subscribing and leases).
#include "daemon/websub/websub_service.h"

#include <boost/asio/post.hpp>

#include "daemon/log.h"
#include "storage/index/index_error.h"

namespace feedd::daemon {

namespace asio = boost::asio;
using storage::OutboxItem;

namespace {

constexpr std::string_view kWebSubChannel = "websub";
// After a storage error (SQLite busy beyond its timeout, a full disk, an I/O error), the
// write or claim that failed is tried again this much later, not at once (the error would
// come again, logged each time) and not at the next event only (there may be none).
constexpr std::chrono::seconds kStorageRetry{3};

}  // namespace

WebSubService::WebSubService(WebSubOptions options, const std::filesystem::path& index,
                             OutboundService& outbound, SnapshotStore& snapshots,
                             TopicFeeds* topics)
    : options_(std::move(options)),
      outbound_(outbound),
      snapshots_(snapshots),
      topics_(topics),
      outbox_timer_(outbound.context()),
      expiry_timer_(outbound.context()),
      settle_timer_(outbound.context()),
      changes_timer_(outbound.context()),
      intents_timer_(outbound.context()) {
  std::string error;
  store_ = std::make_unique<storage::WebSubStore>(storage::websub_path(index), &error);
  if (!store_->persistent()) {
    log::warning(kWebSubChannel, "subscriptions and pending notifications kept in memory only" +
                                     (error.empty() ? std::string() : ": " + error));
  }
  // Here, not first on the outbound thread: /metrics is right from the first request even
  // when that (low-priority) thread has not run yet. Nothing else touches store_ until start().
  guarded("reading subscriptions", [&] { update_gauges(); });
}

// After the outbound thread stopped: what ended but was not written yet is written now, so a
// clean restart does not send it again; changes not queued yet are queued, so it sends them.
WebSubService::~WebSubService() {
  std::vector<OutboxItem> dropped;
  guarded("recording sent notifications",
          [&] { store_->in_transaction([&] { dropped = record_settled(); }); });
  for (const OutboxItem& item : dropped) {  // empty unless written
    note_dropped(item);
  }
  if (!unqueued_.empty()) {
    guarded(
        "queueing notifications (" + std::to_string(unqueued_.size()) + " changed feed(s) lost)",
        [&] { store_->in_transaction([&] { add_changes(unqueued_); }); });
  }
}

void WebSubService::start() {
  asio::post(outbound_.context(), [this] {
    // Each on its own: the outbox resumes whatever the others meet (a claim that fails is
    // tried again later; a failed read before it would have left it idle).
    guarded("resuming", [&] { update_gauges(); });
    guarded("resuming", [&] { pump(); });
    arm_expiry();
  });
}

WebSubService::Millis WebSubService::now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

bool WebSubService::guarded(std::string_view doing, const std::function<void()>& work) {
  try {
    work();
    return true;
  } catch (const storage::IndexError& error) {
    log::error(kWebSubChannel, std::string(doing) + ": " + error.what());
    return false;
  }
}

void WebSubService::retry_later(asio::steady_timer& timer, std::string_view doing,
                                const storage::IndexError& error, const std::string& kept,
                                std::function<void()> retry) {
  log::error(kWebSubChannel, std::string(doing) + ": " + error.what() + " (" +
                                 (kept.empty() ? "" : kept + ", ") + "tried again in " +
                                 std::to_string(kStorageRetry.count()) + " s)");
  timer.expires_after(kStorageRetry);
  timer.async_wait([retry = std::move(retry)](const boost::system::error_code& ec) {
    if (!ec) {
      retry();
    }
  });
}

void WebSubService::update_gauges() {
  counters_.subscriptions = store_->count();
  counters_.outbox = store_->pending();
}

}  // namespace feedd::daemon
