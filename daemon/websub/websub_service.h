// WebSub (W3C Recommendation) for feedd: the publisher (one hub.mode=publish per changed feed
// per external hub) and the built-in hub at POST /websub (§5-7: intent verification by
// challenge, denial of unknown topics, delivery of the full feed, signed when a secret was
// given, 410 ends a subscription, leases expire). Pings and deliveries go through a durable
// outbox (storage::WebSubStore), sent as paced requests (the outbound client starts them at
// websub.max_deliveries_per_s), retried with exponential backoff up to max_attempts; the outcomes
// of attempts are written in batches (one transaction per 50 ms, with the next claim; the
// destructor writes the last batch). Threads: handle() and snapshot_changed() may be called from
// any thread and only post work; everything else runs on the OutboundService's thread. Stop the
// OutboundService before destroying this object. SQLite failures are logged; the work is retried
// later.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "daemon/http/snapshot_store.h"
#include "daemon/outbound/outbound_service.h"
#include "daemon/websub/hub_request.h"
#include "daemon/websub/websub_counters.h"
#include "daemon/websub/websub_options.h"
#include "storage/index/websub_store.h"

namespace feedd::storage {
class IndexError;
}

namespace feedd::daemon {

class TopicFeeds;

struct HubAnswer {
  int status = 202;  // 202 accepted, 400 malformed
  std::string body;
};

class WebSubService {
 public:
  // `index`: the index file holding the WebSub tables ("" or unusable: kept in memory).
  WebSubService(WebSubOptions options, const std::filesystem::path& index,
                OutboundService& outbound, SnapshotStore& snapshots, TopicFeeds* topics);
  ~WebSubService();
  WebSubService(const WebSubService&) = delete;
  WebSubService& operator=(const WebSubService&) = delete;

  void start();  // resumes the outbox and the lease timer
  // POST /websub (any thread): 400 with a reason, or 202 with the verification queued.
  HubAnswer handle(std::string_view body);
  // A new snapshot replaced `previous` (any thread): queues pings and deliveries.
  void snapshot_changed(const feeds::Snapshot& previous, const feeds::Snapshot& next);
  const WebSubCounters& counters() const { return counters_; }

 private:
  using Millis = storage::WebSubStore::Millis;
  static Millis now_ms();  // the outbox's clock: the system clock, to the millisecond

  // The change queue (change_queue.cpp).
  // Queues pings and deliveries for the changed feeds `paths`: at once, or, while paths kept
  // after a storage error wait for their retry, with them then (unqueued_).
  void queue_changes(std::vector<std::string> paths);
  // Queues unqueued_ in one transaction; when that fails, it is kept and queued again
  // kStorageRetry later. `retrying`: after such a failure (logged when it succeeds).
  void queue_unqueued(bool retrying);
  void add_changes(const std::set<std::string>& paths);  // in the caller's transaction

  // The outbox (outbox.cpp).
  // Claims what is due (as much as kMaxInFlight allows) and starts it; a claim that fails is
  // logged and tried again kStorageRetry later.
  void pump();
  // What one claim() took from the outbox: counted (take()) only once its transaction commits.
  struct Claimed {
    std::vector<storage::OutboxItem> items;  // each marked suspect or not
    std::size_t gave_back = 0;               // suspect items over their share, given back
  };
  // The due items the window has room for, suspect ones within their share (the rest left
  // unclaimed, or given back to the suspect lane), claimed in the store; nothing counted yet.
  Claimed claim();
  // A committed claim: its items counted as in flight, its give-backs as deferred.
  std::vector<storage::OutboxItem> take(Claimed claimed);
  // Retries, and deliveries to a callback whose last delivery failed (failing_callbacks_, or
  // marked so in the outbox).
  bool is_suspect(const storage::OutboxItem& item) const;
  void forget(const storage::OutboxItem& item);  // a claim ended: out of the window's counts
  // Starts each item, or keeps it until the running attempt of its row ends (running_rows_).
  void start_claimed(std::vector<storage::OutboxItem> items);
  // An attempt of `item` ended or never started: its slot is free, and the newer claim of its
  // row that waited for it starts.
  void release(const storage::OutboxItem& item);
  void drop_waiting_claim(const storage::OutboxItem& item);  // e.g. after 410 Gone
  // The outbox timer, for the next work due; never throws: when the storage fails, for a
  // claim kStorageRetry later.
  void arm_outbox();
  void wake_outbox_at(std::chrono::steady_clock::time_point when);  // then pump()
  // After a storage error in `doing`: logged, and pump() again kStorageRetry later.
  void pump_later(std::string_view doing, const storage::IndexError& error);
  void settle(const storage::OutboxItem& item, bool ok);  // an attempt ended
  void arm_settle(std::chrono::milliseconds delay);       // write_settled() after `delay`
  // Writes settled_ and claims what may start next, in one transaction; when that fails,
  // settled_ is kept and written again after kStorageRetry.
  void write_settled();
  bool record(const storage::OutboxItem& item, bool ok);
  // Records settled_ (in the caller's transaction); the items given up, for note_dropped().
  std::vector<storage::OutboxItem> record_settled();
  void note_dropped(const storage::OutboxItem& item);  // logs and counts a written give-up

  // Sending one claimed item (notifications.cpp); a storage error is thrown only before
  // anything was sent.
  void dispatch(const storage::OutboxItem& item);
  void publish(const storage::OutboxItem& item);
  void deliver(const storage::OutboxItem& item);
  void send_delivery(const storage::OutboxItem& item, const storage::Subscription& subscription,
                     const feeds::Resource& resource);
  std::shared_ptr<const std::string> shared_body(const std::string& topic,
                                                 const feeds::Resource& resource);

  // Subscriptions (hub_intent.cpp).
  // Runs `step` of a subscription's life that reads or writes the store (its verification,
  // the write of its confirmed intent, its end by 410 Gone): at once, or after the steps kept
  // before it, in order; when the storage fails, it is kept and run again kStorageRetry later
  // (kept_intents_). A step runs again whole: nothing sent before what may throw, and its
  // writes such that doing them twice does no harm.
  void run_intent(std::string doing, std::function<void()> step);
  void run_kept_intents();
  void verify(HubRequest request);
  void on_verified(const HubRequest& request, const std::string& challenge,
                   std::chrono::seconds lease, const OutboundResult& result);
  void deny(const HubRequest& request, std::string_view reason);
  bool topic_exists(const std::string& topic, const feeds::Snapshot& snapshot) const;
  std::string path_of(const std::string& topic) const;  // "" when not one of feedd's URLs
  // The lease timer, for the next end of a lease; never throws: when the storage fails, it
  // is armed again kStorageRetry later.
  void arm_expiry();
  void expire_leases();  // ends the leases due, then arm_expiry()

  // Storage errors and gauges (websub_service.cpp).
  // After a storage error in `doing`: logged as an error with `kept` (what waits, "" for
  // nothing) and the delay, and `retry` run on `timer` kStorageRetry later (the timer's
  // earlier wait cancelled). Every timer of this class retries its work so: with no event to
  // come (no change, no attempt running), nothing else would.
  void retry_later(boost::asio::steady_timer& timer, std::string_view doing,
                   const storage::IndexError& error, const std::string& kept,
                   std::function<void()> retry);
  // Runs `work`; a storage::IndexError is logged as the failure of `doing` (false).
  bool guarded(std::string_view doing, const std::function<void()>& work);
  void update_gauges();

  // Fixed after construction.
  const WebSubOptions options_;
  OutboundService& outbound_;
  SnapshotStore& snapshots_;
  TopicFeeds* const topics_;
  // Touched only on the outbound thread.
  std::unique_ptr<storage::WebSubStore> store_;
  boost::asio::steady_timer outbox_timer_;
  boost::asio::steady_timer expiry_timer_;
  boost::asio::steady_timer settle_timer_;
  boost::asio::steady_timer changes_timer_;
  boost::asio::steady_timer intents_timer_;
  std::size_t in_flight_ = 0;          // claimed items not yet ended (kMaxInFlight)
  std::size_t suspect_in_flight_ = 0;  // of those, suspect ones (kMaxSuspectInFlight)
  // The outbox rows with an attempt running, by id: the running attempt's generation and the
  // newer claim of the row (made due again by a change meanwhile) that waits for it. One
  // attempt per hub or callback and topic at a time, so a subscriber never gets an older feed
  // after a newer one; a claim of the same generation (its lease ran out while the attempt
  // waited in the client's queue) is dropped, the running attempt stands for it.
  std::unordered_map<std::int64_t, std::pair<std::int64_t, std::optional<storage::OutboxItem>>>
      running_rows_;
  struct Settled {
    storage::OutboxItem item;
    bool ok = false;
  };
  // Ended attempts not yet written, or whose write failed (to be written again): whenever it
  // is not empty, settle_timer_ is armed.
  std::vector<Settled> settled_;
  // Changed feed paths whose pings and deliveries could not be queued (a storage error):
  // whenever it is not empty, changes_timer_ is armed to queue them again. Kept in memory
  // only; the destructor makes a last attempt to queue them.
  std::set<std::string> unqueued_;
  // Steps of subscriptions that met a storage error, and the steps that came after them, in
  // order (a subscription confirmed and then ended by 410 stays ended): whenever it is not
  // empty, intents_timer_ is armed to run them. Kept in memory only.
  struct IntentStep {
    std::string doing;
    std::function<void()> run;
  };
  std::deque<IntentStep> kept_intents_;
  // The identity bytes last delivered per topic, by ETag: one copy shared by all of a
  // change's deliveries (a thousand subscribers must not mean a thousand copies of the feed).
  struct SharedBody {
    std::string etag;
    std::shared_ptr<const std::string> bytes;
  };
  std::unordered_map<std::string, SharedBody> bodies_;
  // Callback URLs whose last delivery failed (any topic), until one succeeds, it answers 410
  // or unsubscribes: their deliveries go out as suspect (http_client.h), so dead subscribers
  // never hold the slots of healthy ones on the same host, even when a new change starts their
  // attempts again. Their pending deliveries are marked so in the outbox (add(), record()),
  // so a change's deliveries to them wait in the suspect lane, not claimed while its share of
  // the window is full. At most max_subscriptions of them; beyond that a failing callback is
  // treated as any other.
  std::unordered_set<std::string> failing_callbacks_;
  // Any thread.
  WebSubCounters counters_;
};

}  // namespace feedd::daemon
