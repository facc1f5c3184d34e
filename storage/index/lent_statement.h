// LentStatement: a prepared statement of a connection's cache, lent for one use and reset
// when the loan ends. The reset is what matters: a query stopped before its last row (one
// row read, a COUNT, an early return) keeps its read transaction, and with it the snapshot
// of that moment, open until its statement is reset. Left so in a cache, it made every later
// write of the connection fail with "database is locked" (BUSY_SNAPSHOT) once another
// connection had committed (`feedd build` beside `feedd serve`), and held back every WAL
// checkpoint meanwhile. Lend cached statements only this way. Same thread rules as the
// connection.
#pragma once

#include <SQLiteCpp/Statement.h>

namespace feedd::storage {

class LentStatement {
 public:
  explicit LentStatement(SQLite::Statement& statement) : statement_(statement) {}
  LentStatement(const LentStatement&) = delete;
  LentStatement& operator=(const LentStatement&) = delete;
  // The reset's error code is the last step's, which that step already threw.
  ~LentStatement() { statement_.tryReset(); }

  SQLite::Statement& operator*() const { return statement_; }
  SQLite::Statement* operator->() const { return &statement_; }

 private:
  SQLite::Statement& statement_;
};

}  // namespace feedd::storage
