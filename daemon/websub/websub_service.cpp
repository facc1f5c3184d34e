#include "daemon/websub/websub_service.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <iterator>

#include "common/encoding.h"
#include "common/hmac.h"
#include "daemon/http/topic_feeds.h"
#include "daemon/http/topic_path.h"
#include "daemon/log.h"
#include "daemon/websub/feed_changes.h"
#include "storage/index/index_error.h"

namespace feedd::daemon {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using storage::OutboxItem;
using storage::OutboxKind;

namespace {

constexpr std::string_view kWebSubChannel = "websub";
constexpr std::size_t kMaxInFlight = 256;  // outbox items being sent at once
// Of those, at most this many suspect (for a destination that failed before). They run 1 per
// host and 16 in all in the client's suspect lane, up to its 10 s deadlines: without a share
// of their own, 256 deliveries to a reader service that went away would fill the window, and
// no healthy subscriber would be claimed until they ended. 32 keeps that lane busy.
constexpr std::size_t kMaxSuspectInFlight = 32;
// Claims of one pump: each gives back the suspect items over the share and claims again, so a
// long run of them ahead of a healthy item does not hold it back past a few rounds.
constexpr int kMaxClaimRounds = 4;
constexpr std::chrono::seconds kClaimLease{120};  // when an item sent at a crash is retried
constexpr std::chrono::milliseconds kMaxBackoff{3600 * 1000};
// Ended attempts are written this long after the first of them, together: one commit for a
// batch of deliveries instead of one each (plus one claim) per delivery. 50 ms: at 2,500
// deliveries a second, ~125 per commit; the 256 claimed keep the sends busy for ~100 ms, so
// the next claim (made with the commit) comes before they run dry.
constexpr std::chrono::milliseconds kSettleDelay{50};
// After a storage error (SQLite busy beyond its timeout, a full disk, an I/O error), the
// write or claim that failed is tried again this much later, not at once (the error would
// come again, logged each time) and not at the next event only (there may be none).
constexpr std::chrono::seconds kStorageRetry{3};

storage::WebSubStore::Millis now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::chrono::steady_clock::time_point steady_at(storage::WebSubStore::Millis when) {
  const auto wait = std::max(std::chrono::milliseconds(0), when - now_ms());
  return std::chrono::steady_clock::now() + wait;
}

std::string form_encoded(std::string_view value) {
  std::string out;
  common::append_percent_encoded(out, value, common::is_unreserved);
  return out;
}

std::string describe(const OutboundResult& result) {
  return result ? "HTTP " + std::to_string(result->status) : result.error().message();
}

// One attempt of a publish ping or a delivery: a 2xx succeeded; anything else is logged with
// its attempt number (the outbox retries it).
bool attempt_succeeded(const OutboundResult& result, std::string_view what,
                       const OutboxItem& item) {
  const bool ok = result && result->status / 100 == 2;
  if (!ok) {
    log::warning(kWebSubChannel, std::string(what) + " " + item.topic + " to " + item.target +
                                     ": " + describe(result) + " (attempt " +
                                     std::to_string(item.attempts + 1) + ")");
  }
  return ok;
}

}  // namespace

WebSubOptions WebSubOptions::from(const Config& config) {
  WebSubOptions options;
  options.hubs = config.websub.hubs;
  options.builtin_hub = config.websub.builtin_hub;
  options.hub_url = config.site.feeds_url + "websub";
  options.feeds_url = config.site.feeds_url;
  options.lease = config.websub.lease;
  options.max_attempts = config.websub.max_attempts;
  options.allow_private_callbacks = config.websub.allow_private_callbacks;
  options.max_subscriptions = config.websub.max_subscriptions;
  return options;
}

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

bool WebSubService::guarded(std::string_view doing, const std::function<void()>& work) {
  try {
    work();
    return true;
  } catch (const storage::IndexError& error) {
    log::error(kWebSubChannel, std::string(doing) + ": " + error.what());
    return false;
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
    log::info(kWebSubChannel, "queued the notifications of " + std::to_string(unqueued_.size()) +
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

void WebSubService::pump() {
  Claimed claimed;
  try {
    claimed = claim();
  } catch (const storage::IndexError& error) {
    // Nothing else may come to claim the work due (no change, no attempt running): the timer
    // must, once the storage has recovered.
    pump_later("claiming notifications", error);
    return;
  }
  start_claimed(take(std::move(claimed)));
}

bool WebSubService::is_suspect(const OutboxItem& item) const {
  return item.attempts > 0 || item.callback_failed ||
         (item.kind == OutboxKind::deliver && failing_callbacks_.contains(item.target));
}

WebSubService::Claimed WebSubService::claim() {
  using Lane = storage::WebSubStore::Lane;
  Claimed claimed;
  std::size_t suspect = 0;
  const auto now = now_ms();
  const auto room = [&] {
    return kMaxInFlight - std::min(kMaxInFlight, in_flight_ + claimed.items.size());
  };
  // One transaction of its own, or part of write_settled's: the caller counts the claim
  // (take()) only once that commits, as a rollback undoes it.
  store_->in_transaction([&] {
    // The suspect lane first (retries, and deliveries marked as to a callback that failed),
    // only as many as the suspect share has room for: the others stay in the outbox until an
    // attempt of the share ends. Claimed and given back instead, a backlog of dead callbacks'
    // deliveries cost two writes each every few seconds.
    const std::size_t suspect_room =
        std::min(kMaxSuspectInFlight - std::min(kMaxSuspectInFlight, suspect_in_flight_), room());
    if (suspect_room > 0) {
      for (OutboxItem& item :
           store_->claim_due(now, suspect_room, now + kClaimLease, Lane::suspect)) {
        item.suspect = true;
        ++suspect;
        claimed.items.push_back(std::move(item));
      }
    }
    // Fresh items. One to a callback that failed after it was queued (its mark not written
    // yet) is suspect too: over the share, it is given back into the suspect lane, marked.
    for (int round = 0; round < kMaxClaimRounds; ++round) {
      if (room() == 0) {
        break;
      }
      auto items = store_->claim_due(now, room(), now + kClaimLease, Lane::fresh);
      const std::size_t gave_back_before = claimed.gave_back;
      for (OutboxItem& item : items) {
        item.suspect = is_suspect(item);
        if (item.suspect && suspect_in_flight_ + suspect >= kMaxSuspectInFlight) {
          store_->unclaim(item, now);
          ++claimed.gave_back;
          continue;
        }
        suspect += item.suspect ? 1 : 0;
        claimed.items.push_back(std::move(item));
      }
      if (claimed.gave_back == gave_back_before) {  // nothing more due, or the window is full
        break;
      }
    }
  });
  return claimed;
}

std::vector<OutboxItem> WebSubService::take(Claimed claimed) {
  in_flight_ += claimed.items.size();
  suspect_in_flight_ +=
      static_cast<std::size_t>(std::count_if(claimed.items.begin(), claimed.items.end(),
                                             [](const OutboxItem& item) { return item.suspect; }));
  counters_.deferred += claimed.gave_back;
  return std::move(claimed.items);
}

void WebSubService::forget(const OutboxItem& item) {
  --in_flight_;
  if (item.suspect) {
    --suspect_in_flight_;
  }
}

void WebSubService::start_claimed(std::vector<OutboxItem> items) {
  for (OutboxItem& item : items) {
    if (const auto running = running_rows_.find(item.id); running != running_rows_.end()) {
      if (item.generation == running->second.first) {
        forget(item);  // its claim ran out while queued: the running attempt stands for it
        continue;
      }
      if (running->second.second) {
        forget(*running->second.second);  // an earlier waiting claim, superseded by this one
      } else {
        counters_.waited++;
      }
      running->second.second = std::move(item);
      continue;
    }
    running_rows_.emplace(item.id, std::make_pair(item.generation, std::nullopt));
    // Each on its own: a failure before the send leaves the item claimed in the store (tried
    // again when its claim runs out) and frees its slot, so the others still start and the
    // window does not fill up with slots nothing will free.
    if (!guarded("sending notifications", [&] { dispatch(item); })) {
      release(item);
    }
  }
  arm_outbox();
}

void WebSubService::drop_waiting_claim(const OutboxItem& item) {
  const auto running = running_rows_.find(item.id);
  if (running != running_rows_.end() && running->second.second) {
    forget(*running->second.second);  // its row ends with this attempt (else claimed again)
    running->second.second.reset();
  }
}

void WebSubService::release(const OutboxItem& item) {
  forget(item);
  const auto running = running_rows_.find(item.id);
  if (running == running_rows_.end()) {
    return;
  }
  std::optional<OutboxItem> waiting = std::move(running->second.second);
  running_rows_.erase(running);
  if (waiting) {
    std::vector<OutboxItem> next;
    next.push_back(std::move(*waiting));
    start_claimed(std::move(next));
  }
}

void WebSubService::arm_outbox() {
  outbox_timer_.cancel();
  // While the window is full, the attempt that ends next claims more work (write_settled); a
  // timer for the work already due would fire at once, find the window full and be armed
  // again: it did, spinning on the outbound thread until a slot freed.
  if (in_flight_ >= kMaxInFlight) {
    return;
  }
  // Likewise while the suspect share is full: the suspect items due wait for one of its
  // attempts to end, and only fresh ones need the timer.
  std::optional<Millis> next;
  try {
    next = store_->next_due(suspect_in_flight_ >= kMaxSuspectInFlight
                                ? storage::WebSubStore::Lane::fresh
                                : storage::WebSubStore::Lane::any);
  } catch (const storage::IndexError& error) {
    pump_later("reading outgoing work", error);
    return;
  }
  if (next) {
    wake_outbox_at(steady_at(*next));
  }
}

void WebSubService::pump_later(std::string_view doing, const storage::IndexError& error) {
  retry_later(outbox_timer_, doing, error, {},
              [this] { guarded("sending notifications", [&] { pump(); }); });
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

void WebSubService::wake_outbox_at(std::chrono::steady_clock::time_point when) {
  outbox_timer_.expires_at(when);
  outbox_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      guarded("sending notifications", [&] { pump(); });
    }
  });
}

void WebSubService::dispatch(const OutboxItem& item) {
  if (item.kind == OutboxKind::publish) {
    publish(item);
  } else {
    deliver(item);
  }
}

// §4 leaves publishing to hubs open; feedd sends the common form (hub.mode=publish, hub.url).
void WebSubService::publish(const OutboxItem& item) {
  OutboundRequest request;
  request.method = http::verb::post;
  request.url = item.target;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "hub.mode=publish&hub.url=" + form_encoded(item.topic);
  request.allow_private = true;  // hubs are the operator's choice
  request.paced = true;
  request.suspect = item.suspect;  // a hub that failed holds no slot a fresh ping needs
  outbound_.client().send(std::move(request), [this, item](const OutboundResult& result) {
    const bool ok = attempt_succeeded(result, "publish", item);
    (ok ? counters_.publish_ok : counters_.publish_failed)++;
    guarded("recording a publish", [&] { settle(item, ok); });
  });
}

void WebSubService::deliver(const OutboxItem& item) {
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(now_ms());
  const auto& subscription = item.subscription;  // read with the claim
  const std::string path = path_of(item.topic);
  auto snapshot = snapshots_.load();
  if (!subscription || subscription->expires_at <= now || path.empty()) {
    store_->finish(item);  // unsubscribed or expired meanwhile
    release(item);
    return;
  }
  if (const feeds::Resource* resource = snapshot->find(path)) {
    send_delivery(item, *subscription, *resource);
    return;
  }
  if (topics_ == nullptr || !parse_topic_path(path)) {
    store_->finish(item);
    release(item);
    return;
  }
  asio::co_spawn(outbound_.context(), topics_->find(path, snapshot),
                 [this, item, subscription = *subscription](
                     std::exception_ptr error, std::shared_ptr<const feeds::Resource> resource) {
                   guarded("delivering", [&] {
                     if (error || !resource) {
                       settle(item, false);
                     } else {
                       send_delivery(item, subscription, *resource);
                     }
                   });
                 });
}

// §7: the full feed, its content type, Link rel=hub and rel=self, and the signature.
void WebSubService::send_delivery(const OutboxItem& item, const storage::Subscription& subscription,
                                  const feeds::Resource& resource) {
  OutboundRequest request;
  request.method = http::verb::post;
  request.url = subscription.callback;
  request.allow_private = options_.allow_private_callbacks;
  request.paced = true;
  // The callback may have failed since the claim (while an earlier attempt ran): its lane is
  // decided now; the window's share counts the claim's mark.
  request.suspect = item.suspect || is_suspect(item);
  request.shared_body = shared_body(item.topic, resource);
  const std::string& body = *request.shared_body;
  request.headers = {
      {"Content-Type", resource.content_type},
      {"Link", "<" + options_.hub_url + ">; rel=\"hub\", <" + item.topic + ">; rel=\"self\""}};
  if (!subscription.secret.empty()) {
    const auto mac = common::hmac_sha256(subscription.secret, body);
    request.headers.emplace_back("X-Hub-Signature",
                                 "sha256=" + common::hex_encode(common::as_bytes(mac)));
  }
  outbound_.client().send(std::move(request), [this, item](const OutboundResult& result) {
    guarded("recording a delivery", [&] {
      if (result && result->status == 410) {  // §7: the subscriber wants no more
        drop_waiting_claim(item);             // a change's delivery queued behind this one
        failing_callbacks_.erase(item.target);
        settle(item, true);  // first: a failing removal must not keep the row running
        run_intent("recording a 410 Gone", [this, item] {
          if (!store_->remove(item.topic, item.target)) {
            return;  // ended meanwhile: its lease, or a 410 whose removal waited
          }
          log::info(kWebSubChannel,
                    item.target + " answered 410 Gone: unsubscribed from " + item.topic);
          guarded("counting subscriptions", [&] { update_gauges(); });
          counters_.gone++;  // after the gauges: whoever sees it counted sees it unsubscribed
        });
        return;
      }
      const bool ok = attempt_succeeded(result, "delivery of", item);
      (ok ? counters_.delivered : counters_.delivery_failed)++;
      if (ok) {
        failing_callbacks_.erase(item.target);
      } else if (failing_callbacks_.size() < options_.max_subscriptions) {
        failing_callbacks_.insert(item.target);
      }
      settle(item, ok);
    });
  });
}

std::shared_ptr<const std::string> WebSubService::shared_body(const std::string& topic,
                                                              const feeds::Resource& resource) {
  const auto& identity = *resource.get(feeds::Coding::identity);
  SharedBody& shared = bodies_[topic];
  if (shared.bytes == nullptr || shared.etag != identity.etag) {
    shared = {identity.etag, std::make_shared<const std::string>(identity.body)};
  }
  return shared.bytes;
}

// Queued until the settle timer writes the batch (or the destructor does, at shutdown).
void WebSubService::settle(const OutboxItem& item, bool ok) {
  settled_.push_back({item, ok});
  if (settled_.size() == 1) {  // else the timer is armed
    arm_settle(kSettleDelay);
  }
  release(item);
}

void WebSubService::arm_settle(std::chrono::milliseconds delay) {
  settle_timer_.expires_after(delay);
  settle_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      write_settled();
    }
  });
}

// One transaction: the batch's outcomes and the claim of the work that may start next. Rolled
// back, the batch stays in settled_ to be written again: an outcome lost was a delivery sent
// again after its claim's lease, or a failure retried only then. Its attempts were counted
// when they ended, once; drops and claims count only once written.
void WebSubService::write_settled() {
  Claimed claimed;
  std::vector<OutboxItem> dropped;
  try {
    store_->in_transaction([&] {
      dropped = record_settled();
      claimed = claim();
    });
  } catch (const storage::IndexError& error) {
    retry_later(settle_timer_, "recording sent notifications", error,
                std::to_string(settled_.size()) + " outcome(s) kept", [this] { write_settled(); });
    arm_outbox();  // the work due meanwhile was not claimed and needs its timer
    return;
  }
  settled_.clear();
  guarded("counting outgoing work", [&] { update_gauges(); });  // the claims must still start
  for (const OutboxItem& item : dropped) {  // after the gauges, as they were written
    note_dropped(item);
  }
  start_claimed(take(std::move(claimed)));
}

std::vector<OutboxItem> WebSubService::record_settled() {
  std::vector<OutboxItem> dropped;
  for (const Settled& settled : settled_) {
    if (!record(settled.item, settled.ok)) {
      dropped.push_back(settled.item);
    }
  }
  return dropped;
}

void WebSubService::note_dropped(const OutboxItem& item) {
  log::error(kWebSubChannel, "giving up on " + item.topic + " to " + item.target + " after " +
                                 std::to_string(item.attempts + 1) + " attempts");
  (item.kind == OutboxKind::publish ? counters_.publish_dropped : counters_.delivery_dropped)++;
}

// Writes one attempt's outcome: done, retried later, or (false) given up.
bool WebSubService::record(const OutboxItem& item, bool ok) {
  if (item.kind == OutboxKind::deliver) {
    // The callback's other pending deliveries (other topics') join the lane its outcome calls
    // for, and stay there after a restart, which forgets failing_callbacks_.
    store_->mark_callback(item.target, failing_callbacks_.contains(item.target));
  }
  if (ok) {
    store_->finish(item);
  } else if (item.attempts + 1 >= options_.max_attempts) {
    store_->finish(item);
    return false;
  } else {
    auto backoff = options_.first_retry * (std::int64_t{1} << std::min(item.attempts, 20));
    store_->retry(item, now_ms() + std::min<std::chrono::milliseconds>(backoff, kMaxBackoff));
  }
  return true;
}

void WebSubService::update_gauges() {
  counters_.subscriptions = store_->count();
  counters_.outbox = store_->pending();
}

}  // namespace feedd::daemon
