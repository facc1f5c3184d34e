#include "storage/index/websub_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/index/index_error.h"
#include "storage/index/lent_statement.h"
#include "storage/index/websub_schema.h"

namespace feedd::storage {
namespace {

std::int64_t to_ms(WebSubStore::Millis time) { return time.time_since_epoch().count(); }

// Brings the tables to kWebSubSchemaVersion (websub_schema.h), in one transaction; a file
// already there is only read. A file of a newer feedd throws: it is not ours to change.
void migrate(SQLite::Database& db) {
  int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version == kWebSubSchemaVersion) {
    return;
  }
  if (version > kWebSubSchemaVersion) {
    throw std::runtime_error("written by a newer feedd (schema " + std::to_string(version) +
                             ", this feedd knows " + std::to_string(kWebSubSchemaVersion) + ")");
  }
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec(kWebSubTablesSql);
  for (; version < kWebSubSchemaVersion; ++version) {
    db.exec(kWebSubMigrations[static_cast<std::size_t>(version)]);
  }
  db.exec("PRAGMA user_version = " + std::to_string(kWebSubSchemaVersion));
  transaction.commit();
}

std::unique_ptr<SQLite::Database> open_file(const std::filesystem::path& path) {
  // NOMUTEX: one thread at a time (websub_store.h), as for the index.
  auto db = std::make_unique<SQLite::Database>(
      path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
  db->setBusyTimeout(5000);
  db->exec("PRAGMA journal_mode = WAL");
  // As for the index: a commit survives a killed process without an fsync of its own; only
  // a power cut may lose the last ones (a subscriber then polls, as without WebSub).
  db->exec("PRAGMA synchronous = NORMAL");
  migrate(*db);
  return db;
}

std::unique_ptr<SQLite::Database> open_memory() {
  auto db =
      std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
  migrate(*db);
  return db;
}

// Which of the outbox's lanes (WebSubStore::Lane) a query looks at: this term, bound by
// bind_lane(), matches the websub_outbox_lane index's expression (websub_schema.h) exactly,
// as SQLite uses an index on an expression only for that expression.
constexpr std::string_view kLaneTerm = "(attempts > 0 OR suspect) = ?";

// Binds the lane term's parameter (first) unless `which` is any; the next parameter's number.
int bind_lane(SQLite::Statement& query, WebSubStore::Lane which) {
  if (which == WebSubStore::Lane::any) {
    return 1;
  }
  query.bind(1, which == WebSubStore::Lane::suspect ? 1 : 0);
  return 2;
}

// claim_due()'s query: due items, oldest first, with a delivery's subscription.
std::string claim_sql(WebSubStore::Lane which) {
  return std::string(
             "SELECT o.id, o.kind, o.target, o.topic, o.attempts, o.generation, o.suspect, "
             "s.secret, s.expires_at FROM websub_outbox AS o LEFT JOIN websub_subscriptions AS s "
             "ON o.kind = 1 AND s.topic = o.topic AND s.callback = o.target WHERE ") +
         (which == WebSubStore::Lane::any ? std::string() : std::string(kLaneTerm) + " AND ") +
         "o.due_ms <= ? ORDER BY o.due_ms, o.id LIMIT ?";
}

template <typename Work>
auto guarded(const char* doing, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const SQLite::Exception& error) {
    throw IndexError(std::string("WebSub state: ") + doing + ": " + error.what(),
                     fault_of_sqlite_code(error.getExtendedErrorCode()), error.what());
  }
}

}  // namespace

std::filesystem::path websub_path(const std::filesystem::path& index) {
  if (index.empty()) {
    return {};
  }
  return index.parent_path() / (index.stem().string() + "-websub.sqlite");
}

struct WebSubStore::Impl {
  std::unique_ptr<SQLite::Database> db;
  bool persistent = false;
  // Prepared once per SQL text, not per call: a delivery runs several statements, and
  // parsing their SQL again each time was a tenth of the outbound thread's time. Made with
  // `db`, and declared after it: it goes first.
  std::optional<StatementCache> statements;
  int depth = 0;  // transactions open (the outermost one is SQLite's, the others join it)

  // The statement of `sql`, lent for one use (its bindings are the caller's to set).
  LentStatement prepared(std::string_view sql) { return statements->lend(sql); }
  // The row counts count() and pending() last read, kept exact by the writes that know their
  // effect (finish) and dropped by the others: /metrics reads them after every delivery, and
  // a COUNT(*) there would scan the outbox once per subscriber of a change.
  std::optional<std::size_t> subscriptions;
  std::optional<std::size_t> outbox;
  void forget_counts() {
    subscriptions.reset();
    outbox.reset();
  }
};

namespace {

// A write transaction, or, inside one already open, a part of it: only the outermost scope
// begins and commits; one that ends uncommitted rolls the outermost back (by throwing through
// it, as every caller lets the exception pass).
class Scope {
 public:
  Scope(SQLite::Database& db, int& depth) : depth_(depth) {
    if (depth_ == 0) {
      transaction_.emplace(db, SQLite::TransactionBehavior::IMMEDIATE);
    }
    ++depth_;
  }
  ~Scope() { --depth_; }  // an uncommitted transaction_ rolls back here
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  void commit() {
    if (transaction_) {
      transaction_->commit();
    }
  }

 private:
  int& depth_;
  std::optional<SQLite::Transaction> transaction_;
};

}  // namespace

WebSubStore::WebSubStore(const std::filesystem::path& path, std::string* error)
    : impl_(std::make_unique<Impl>()) {
  if (!path.empty()) {
    try {
      impl_->db = open_file(path);
      impl_->persistent = true;
    } catch (const std::exception& failure) {
      if (error != nullptr) {
        *error = failure.what();
      }
    }
  }
  if (!impl_->db) {
    impl_->db = open_memory();
  }
  impl_->statements.emplace(*impl_->db);
}

WebSubStore::~WebSubStore() = default;

bool WebSubStore::persistent() const { return impl_->persistent; }

void WebSubStore::upsert(const Subscription& subscription) {
  guarded("saving a subscription", [&] {
    auto statement = impl_->prepared(
        "INSERT INTO websub_subscriptions (topic, callback, secret, expires_at) VALUES (?,?,?,?) "
        "ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret, "
        "expires_at = excluded.expires_at");
    statement->bind(1, subscription.topic);
    statement->bind(2, subscription.callback);
    statement->bind(3, subscription.secret);
    statement->bind(4,
                    static_cast<std::int64_t>(subscription.expires_at.time_since_epoch().count()));
    impl_->subscriptions.reset();  // an insert or a renewal
    statement->exec();
  });
}

bool WebSubStore::remove(const std::string& topic, const std::string& callback) {
  return guarded("removing a subscription", [&] {
    impl_->forget_counts();
    Scope transaction(*impl_->db, impl_->depth);
    auto statement =
        impl_->prepared("DELETE FROM websub_subscriptions WHERE topic = ? AND callback = ?");
    statement->bind(1, topic);
    statement->bind(2, callback);
    const bool removed = statement->exec() > 0;
    auto outbox =
        impl_->prepared("DELETE FROM websub_outbox WHERE kind = 1 AND topic = ? AND target = ?");
    outbox->bind(1, topic);
    outbox->bind(2, callback);
    outbox->exec();
    transaction.commit();
    return removed;
  });
}

std::optional<Subscription> WebSubStore::find(const std::string& topic,
                                              const std::string& callback) {
  return guarded("reading a subscription", [&]() -> std::optional<Subscription> {
    auto query = impl_->prepared(
        "SELECT secret, expires_at FROM websub_subscriptions "
        "WHERE topic = ? AND callback = ?");
    query->bind(1, topic);
    query->bind(2, callback);
    if (!query->executeStep()) {
      return std::nullopt;
    }
    return Subscription{
        topic, callback, query->getColumn(0).getString(),
        std::chrono::sys_seconds(std::chrono::seconds(query->getColumn(1).getInt64()))};
  });
}

std::vector<Subscription> WebSubStore::subscribers(const std::string& topic,
                                                   std::chrono::sys_seconds now) {
  return guarded("reading subscriptions", [&] {
    auto query = impl_->prepared(
        "SELECT callback, secret, expires_at FROM websub_subscriptions "
        "WHERE topic = ? AND expires_at > ? ORDER BY callback");
    query->bind(1, topic);
    query->bind(2, static_cast<std::int64_t>(now.time_since_epoch().count()));
    std::vector<Subscription> out;
    while (query->executeStep()) {
      out.push_back(
          {topic, query->getColumn(0).getString(), query->getColumn(1).getString(),
           std::chrono::sys_seconds(std::chrono::seconds(query->getColumn(2).getInt64()))});
    }
    return out;
  });
}

std::size_t WebSubStore::count() {
  return guarded("counting subscriptions", [&] {
    if (!impl_->subscriptions) {
      impl_->subscriptions = static_cast<std::size_t>(
          impl_->db->execAndGet("SELECT COUNT(*) FROM websub_subscriptions").getInt64());
    }
    return *impl_->subscriptions;
  });
}

std::size_t WebSubStore::expire(std::chrono::sys_seconds now) {
  return guarded("expiring subscriptions", [&] {
    impl_->forget_counts();
    Scope transaction(*impl_->db, impl_->depth);
    const auto at = static_cast<std::int64_t>(now.time_since_epoch().count());
    auto outbox = impl_->prepared(
        "DELETE FROM websub_outbox WHERE kind = 1 AND EXISTS (SELECT 1 FROM "
        "websub_subscriptions s WHERE s.topic = websub_outbox.topic AND "
        "s.callback = websub_outbox.target AND s.expires_at <= ?)");
    outbox->bind(1, at);
    outbox->exec();
    auto statement = impl_->prepared("DELETE FROM websub_subscriptions WHERE expires_at <= ?");
    statement->bind(1, at);
    const auto removed = static_cast<std::size_t>(statement->exec());
    transaction.commit();
    return removed;
  });
}

void WebSubStore::add(OutboxKind kind, const std::string& target, const std::string& topic,
                      Millis due, bool suspect) {
  guarded("queueing outgoing work", [&] {
    auto statement = impl_->prepared(
        "INSERT INTO websub_outbox (kind, target, topic, attempts, due_ms, generation, suspect) "
        "VALUES (?,?,?,0,?,0,?) ON CONFLICT (kind, target, topic) DO UPDATE SET attempts = 0, "
        "due_ms = MIN(due_ms, excluded.due_ms), generation = generation + 1, "
        "suspect = MAX(suspect, excluded.suspect)");
    statement->bind(1, static_cast<int>(kind));
    statement->bind(2, target);
    statement->bind(3, topic);
    statement->bind(4, to_ms(due));
    statement->bind(5, suspect ? 1 : 0);
    impl_->outbox.reset();  // a new item or a bumped one
    statement->exec();
  });
}

void WebSubStore::in_transaction(const std::function<void()>& work) {
  guarded("grouping outgoing work", [&] {
    Scope transaction(*impl_->db, impl_->depth);
    try {
      work();
      transaction.commit();
    } catch (...) {
      impl_->forget_counts();  // the rollback undoes whatever `work` counted
      throw;
    }
  });
}

std::vector<OutboxItem> WebSubStore::claim_due(Millis now, std::size_t limit, Millis lease_until,
                                               Lane which) {
  return guarded("claiming outgoing work", [&] {
    Scope transaction(*impl_->db, impl_->depth);
    static const std::string kAny = claim_sql(Lane::any);
    static const std::string kLane = claim_sql(Lane::fresh);  // the suspect lane's too
    auto query = impl_->prepared(which == Lane::any ? kAny : kLane);
    int column = bind_lane(*query, which);
    query->bind(column++, to_ms(now));
    query->bind(column, static_cast<std::int64_t>(limit));
    std::vector<OutboxItem> items;
    while (query->executeStep()) {
      OutboxItem& item = items.emplace_back(OutboxItem{
          query->getColumn(0).getInt64(), static_cast<OutboxKind>(query->getColumn(1).getInt()),
          query->getColumn(2).getString(), query->getColumn(3).getString(),
          query->getColumn(4).getInt(), query->getColumn(5).getInt64(), std::nullopt});
      item.callback_failed = query->getColumn(6).getInt() != 0;
      if (!query->getColumn(8).isNull()) {
        item.subscription = Subscription{
            item.topic, item.target, query->getColumn(7).getString(),
            std::chrono::sys_seconds(std::chrono::seconds(query->getColumn(8).getInt64()))};
      }
    }
    auto claim = impl_->prepared(
        "UPDATE websub_outbox SET attempts = attempts + 1, due_ms = ? WHERE id = ?");
    for (const OutboxItem& item : items) {
      claim->reset();
      claim->bind(1, to_ms(lease_until));
      claim->bind(2, item.id);
      claim->exec();
    }
    transaction.commit();
    return items;
  });
}

void WebSubStore::unclaim(const OutboxItem& item, Millis due) {
  guarded("giving back outgoing work", [&] {
    auto statement = impl_->prepared(
        "UPDATE websub_outbox SET attempts = ?, due_ms = ?, suspect = 1 "
        "WHERE id = ? AND generation = ?");
    statement->bind(1, item.attempts);
    statement->bind(2, to_ms(due));
    statement->bind(3, item.id);
    statement->bind(4, item.generation);
    statement->exec();
  });
}

void WebSubStore::retry(const OutboxItem& item, Millis due) {
  guarded("rescheduling outgoing work", [&] {
    auto statement =
        impl_->prepared("UPDATE websub_outbox SET due_ms = ? WHERE id = ? AND generation = ?");
    statement->bind(1, to_ms(due));
    statement->bind(2, item.id);
    statement->bind(3, item.generation);
    statement->exec();
  });
}

void WebSubStore::mark_callback(const std::string& callback, bool failed) {
  guarded("marking deliveries", [&] {
    auto statement = impl_->prepared(
        "UPDATE websub_outbox SET suspect = ? WHERE kind = 1 AND target = ? AND suspect <> ?");
    statement->bind(1, failed ? 1 : 0);
    statement->bind(2, callback);
    statement->bind(3, failed ? 1 : 0);
    statement->exec();
  });
}

std::optional<std::chrono::sys_seconds> WebSubStore::next_expiry() {
  return guarded("reading subscriptions", [&]() -> std::optional<std::chrono::sys_seconds> {
    auto query = impl_->prepared("SELECT MIN(expires_at) FROM websub_subscriptions");
    if (!query->executeStep() || query->getColumn(0).isNull()) {
      return std::nullopt;
    }
    return std::chrono::sys_seconds(std::chrono::seconds(query->getColumn(0).getInt64()));
  });
}

std::optional<WebSubStore::Millis> WebSubStore::next_due(Lane which) {
  return guarded("reading outgoing work", [&]() -> std::optional<Millis> {
    static const std::string kAny = "SELECT MIN(due_ms) FROM websub_outbox";
    static const std::string kLane = kAny + " WHERE " + std::string(kLaneTerm);
    auto query = impl_->prepared(which == Lane::any ? kAny : kLane);
    bind_lane(*query, which);
    if (!query->executeStep() || query->getColumn(0).isNull()) {
      return std::nullopt;
    }
    return Millis(std::chrono::milliseconds(query->getColumn(0).getInt64()));
  });
}

void WebSubStore::finish(const OutboxItem& item) {
  guarded("ending outgoing work", [&] {
    auto statement = impl_->prepared("DELETE FROM websub_outbox WHERE id = ? AND generation = ?");
    statement->bind(1, item.id);
    statement->bind(2, item.generation);
    const int removed = statement->exec();
    if (impl_->outbox) {
      *impl_->outbox -= std::min(*impl_->outbox, static_cast<std::size_t>(removed));
    }
  });
}

std::size_t WebSubStore::pending() {
  return guarded("counting outgoing work", [&] {
    if (!impl_->outbox) {
      impl_->outbox = static_cast<std::size_t>(
          impl_->db->execAndGet("SELECT COUNT(*) FROM websub_outbox").getInt64());
    }
    return *impl_->outbox;
  });
}

}  // namespace feedd::storage
