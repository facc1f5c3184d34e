// LentStatement: a prepared statement of a connection's cache, lent for one use (its bindings
// cleared) and reset when the loan ends. The reset is what matters: a query stopped before
// its last row (one row read, a COUNT, an early return) keeps its read transaction, and with
// it the snapshot of that moment, open until its statement is reset. Left so in a cache, it
// made every later write of the connection fail with "database is locked" (BUSY_SNAPSHOT)
// once another connection had committed (`feedd build` beside `feedd serve`), and held back
// every WAL checkpoint meanwhile. Lend cached statements only this way. A statement is lent
// once at a time: a second loan (the same SQL asked for inside its own loop) would rebind or
// reset the first one's rows under it, so it throws std::logic_error instead. Same thread
// rules as the connection.
#pragma once

#include <SQLiteCpp/Statement.h>

#include <memory>
#include <stdexcept>

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

}  // namespace feedd::storage
