// LentStatement: a prepared statement of a connection's cache, lent for one use (its bindings
// cleared) and reset when the loan ends. The reset is what matters: a query stopped before
// its last row (one row read, a COUNT, an early return) keeps its read transaction, and with
// it the snapshot of that moment, open until its statement is reset. Left so in a cache, it
// made every later write of the connection fail with "database is locked" (BUSY_SNAPSHOT)
// once another connection had committed (`feedd build` beside `feedd serve`), and held back
// every WAL checkpoint meanwhile. Lend cached statements only this way. A statement is lent
// once at a time: a second loan (the same SQL asked for inside its own loop) would rebind or
// reset the first one's rows under it, so it throws std::logic_error instead. StatementCache
// is the one cache that lends them (Index's and WebSubStore's). Same thread rules as the
// connection.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/string_hash.h"

namespace feedd::storage {

// A prepared statement kept for reuse by its connection, and whether it is lent now.
struct CachedStatement {
  std::unique_ptr<SQLite::Statement> statement;
  bool lent = false;
};

class LentStatement {
 public:
  explicit LentStatement(CachedStatement& cached) : cached_(cached) {
    if (cached_.lent) {
      throw std::logic_error("a cached SQLite statement lent twice at once: " +
                             cached_.statement->getQuery());
    }
    cached_.lent = true;
    cached_.statement->clearBindings();
  }
  LentStatement(const LentStatement&) = delete;
  LentStatement& operator=(const LentStatement&) = delete;
  // The reset's error code is the last step's, which that step already threw.
  ~LentStatement() {
    cached_.statement->tryReset();
    cached_.lent = false;
  }

  SQLite::Statement& operator*() const { return *cached_.statement; }
  SQLite::Statement* operator->() const { return cached_.statement.get(); }

 private:
  CachedStatement& cached_;
};

// A connection's prepared statements by SQL text, prepared on first use: preparing costs
// more than running a one-row statement. Must not outlive `db`.
class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  LentStatement lend(std::string_view sql) {
    auto found = statements_.find(sql);
    if (found == statements_.end()) {
      auto statement = std::make_unique<SQLite::Statement>(db_, std::string(sql));
      found = statements_.emplace(std::string(sql), CachedStatement{std::move(statement)}).first;
    }
    return LentStatement(found->second);
  }

 private:
  SQLite::Database& db_;
  std::unordered_map<std::string, CachedStatement, common::StringHash, std::equal_to<>> statements_;
};

}  // namespace feedd::storage
