// WebSubService's outbox: claiming the work due within the sending window (kMaxInFlight, and
// the suspect lane's share of it), one attempt per row at a time, the timer for the next work
// due, and the outcomes of attempts, written in batches with the next claim. Sending one
// claimed item is notifications.cpp's.
#include <algorithm>

#include "daemon/log.h"
#include "daemon/websub/websub_service.h"
#include "storage/index/index_error.h"

namespace feedd::daemon {

using storage::OutboxItem;
using storage::OutboxKind;

namespace {

constexpr std::string_view kOutboxChannel = "websub";
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

std::chrono::steady_clock::time_point steady_at(storage::WebSubStore::Millis when,
                                                storage::WebSubStore::Millis now) {
  const auto wait = std::max(std::chrono::milliseconds(0), when - now);
  return std::chrono::steady_clock::now() + wait;
}

}  // namespace

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
    wake_outbox_at(steady_at(*next, now_ms()));
  }
}

void WebSubService::pump_later(std::string_view doing, const storage::IndexError& error) {
  retry_later(outbox_timer_, doing, error, {},
              [this] { guarded("sending notifications", [&] { pump(); }); });
}

void WebSubService::wake_outbox_at(std::chrono::steady_clock::time_point when) {
  outbox_timer_.expires_at(when);
  outbox_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      guarded("sending notifications", [&] { pump(); });
    }
  });
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
  log::error(kOutboxChannel, "giving up on " + item.topic + " to " + item.target + " after " +
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

}  // namespace feedd::daemon
