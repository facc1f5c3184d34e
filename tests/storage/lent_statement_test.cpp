// LentStatement: a loan starts with the bindings cleared, its end resets the statement (a
// query stopped after one row leaves no read transaction open), and a second loan of the
// same statement at once is refused.
#include "storage/index/lent_statement.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <stdexcept>

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(lent_statement)

namespace {

struct TwoRows {
  SQLite::Database db{":memory:", SQLite::OPEN_READWRITE};
  CachedStatement cached;
  TwoRows() {
    db.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)");
    cached.statement = std::make_unique<SQLite::Statement>(db, "SELECT x FROM t WHERE x >= ?");
  }
  // Whether a statement of the connection is mid-rows (its read transaction open).
  bool busy() const {
    for (sqlite3_stmt* s = sqlite3_next_stmt(db.getHandle(), nullptr); s != nullptr;
         s = sqlite3_next_stmt(db.getHandle(), s)) {
      if (sqlite3_stmt_busy(s) != 0) {
        return true;
      }
    }
    return false;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_end_of_a_loan_resets_a_query_stopped_early, TwoRows) {
  {
    LentStatement query(cached);
    query->bind(1, 1);
    BOOST_REQUIRE(query->executeStep());  // one row of two: still running
    BOOST_TEST(busy());
    BOOST_TEST(cached.lent);
  }
  BOOST_TEST(!busy());
  BOOST_TEST(!cached.lent);
}

BOOST_FIXTURE_TEST_CASE(a_loan_starts_with_no_bindings, TwoRows) {
  {
    LentStatement query(cached);
    query->bind(1, 2);
  }
  LentStatement query(cached);
  BOOST_TEST(!query->executeStep());  // NULL bound: x >= NULL matches nothing
}

BOOST_FIXTURE_TEST_CASE(a_second_loan_at_once_is_refused, TwoRows) {
  LentStatement outer(cached);
  outer->bind(1, 1);
  BOOST_REQUIRE(outer->executeStep());
  BOOST_CHECK_THROW(LentStatement inner(cached), std::logic_error);
  BOOST_TEST(outer->executeStep());  // the outer loop goes on undisturbed
  BOOST_TEST(outer->getColumn(0).getInt() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::storage
