// The WebSub state (websub_schema.h): the built-in hub's subscriptions and the outbox of
// publish pings and deliveries, so both survive a restart, in a SQLite file of its own
// beside the index (websub_path()), used by one thread at a time (feedd's outbound thread);
// or, when that file is unusable, an in-memory database (persistent() false); the only
// writer of that file (count() and pending() are kept in memory, not re-read; statements
// are prepared once). Calls made inside in_transaction() join its transaction. SQLite
// failures throw IndexError.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace feedd::storage {

struct Subscription {
  std::string topic;
  std::string callback;
  std::string secret;  // "" for none
  std::chrono::sys_seconds expires_at{};
};

enum class OutboxKind : int { publish = 0, deliver = 1 };

struct OutboxItem {
  std::int64_t id = 0;
  OutboxKind kind = OutboxKind::publish;
  std::string target;  // hub URL or callback URL
  std::string topic;
  int attempts = 0;  // made before this one
  std::int64_t generation = 0;
  // A delivery's subscription as it was when claimed (claim_due() reads it with the item, so
  // a delivery needs no query of its own); none for a publish ping, or when the subscription
  // is gone.
  std::optional<Subscription> subscription;
  // Stored: a delivery marked as one to a callback whose last delivery failed (add(),
  // mark_callback(), unclaim()); it is in the suspect lane.
  bool callback_failed = false;
  // Not stored: the sender's mark of an item for a destination that failed before (sent in
  // the outbound client's suspect lane, counted in a share of the sending window of its own).
  bool suspect = false;
};

// "index-websub.sqlite" beside "index.sqlite" ("" for an empty index path).
std::filesystem::path websub_path(const std::filesystem::path& index);

class WebSubStore {
 public:
  using Millis = std::chrono::sys_time<std::chrono::milliseconds>;

  // Opens (creating) the file at `path`; with an empty path, or when that fails (`error`
  // says why), an in-memory store.
  explicit WebSubStore(const std::filesystem::path& path, std::string* error = nullptr);
  ~WebSubStore();
  WebSubStore(const WebSubStore&) = delete;
  WebSubStore& operator=(const WebSubStore&) = delete;

  bool persistent() const;

  // Subscriptions. upsert: insert, or renew (secret, lease) the one of (topic, callback).
  void upsert(const Subscription& subscription);
  bool remove(const std::string& topic, const std::string& callback);  // false: none was there
  std::optional<Subscription> find(const std::string& topic, const std::string& callback);
  // The subscriptions of `topic` whose lease runs past `now`.
  std::vector<Subscription> subscribers(const std::string& topic, std::chrono::sys_seconds now);
  std::size_t count();  // read once, then kept exact as this store changes the table
  // Deletes the subscriptions whose lease ended at or before `now` (and their deliveries).
  std::size_t expire(std::chrono::sys_seconds now);

  // Outbox. add: a new item due at `due`, or the pending one of (kind, target, topic) made
  // due at `due` with its attempts reset and its generation bumped; `suspect` marks it as a
  // delivery to a callback that failed (a mark it had stays).
  void add(OutboxKind kind, const std::string& target, const std::string& topic, Millis due,
           bool suspect = false);
  // Runs `work` (calls of this store) as one transaction: one commit for a change's thousand
  // deliveries instead of a thousand; calls that open a transaction of their own (remove,
  // expire, claim_due, a nested in_transaction) join it. Rolled back, and the exception
  // passed on, if it throws.
  void in_transaction(const std::function<void()>& work);
  // Which items a claim or next_due() looks at: all; fresh ones (never tried, and not marked
  // as for a callback that failed); or suspect ones (retries, and the marked ones).
  enum class Lane { any, fresh, suspect };
  // Up to `limit` items due at `now` (of `which`), oldest due first, each claimed: its
  // attempts + 1 and its next attempt moved to `lease_until` (after a crash it is retried
  // then). A delivery comes with its subscription (OutboxItem::subscription), whatever its
  // lease.
  std::vector<OutboxItem> claim_due(Millis now, std::size_t limit, Millis lease_until,
                                    Lane which = Lane::any);
  // Gives back an item claim_due() returned, untried: its attempts as before the claim, due
  // again at `due`, marked suspect (unless a new change made it due already).
  void unclaim(const OutboxItem& item, Millis due);
  // Marks the pending deliveries to `callback` (of any topic) as to a callback that failed,
  // or clears their mark.
  void mark_callback(const std::string& callback, bool failed);
  // After a failed attempt: the next one at `due` (unless a new change made it due already).
  void retry(const OutboxItem& item, Millis due);
  // Ends an item: removed unless a new change bumped its generation meanwhile.
  void finish(const OutboxItem& item);
  // The earliest due time of `which`, if any of them is pending.
  std::optional<Millis> next_due(Lane which = Lane::any);
  std::size_t pending();  // likewise: no COUNT(*) per finished item
  // The earliest end of a lease, if there is a subscription.
  std::optional<std::chrono::sys_seconds> next_expiry();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace feedd::storage
