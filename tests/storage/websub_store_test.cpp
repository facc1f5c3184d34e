// WebSubStore over a real index file: subscriptions and the outbox survive reopening,
// leases end, a change during a send is not lost (generation), claims are leased, deliveries
// to failing callbacks wait in the suspect lane, and old files are migrated.
#include "storage/index/websub_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/test/unit_test.hpp>

#include "storage/index/index_error.h"
#include "storage/index/websub_schema.h"
#include "tests/support/test_support.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(websub_store_test)

namespace {

using Millis = WebSubStore::Millis;
using std::chrono::milliseconds;
using std::chrono::seconds;

Millis at(long ms) { return Millis(milliseconds(ms)); }
std::chrono::sys_seconds at_s(long s) { return std::chrono::sys_seconds(seconds(s)); }

}  // namespace

BOOST_AUTO_TEST_CASE(state_survives_reopening_and_leases_end) {
  testing::TempDir dir;
  const auto path = websub_path(dir / "index.sqlite");
  BOOST_TEST(path == dir / "index-websub.sqlite");
  {
    std::string error;
    WebSubStore store(path, &error);
    BOOST_TEST_REQUIRE(store.persistent(), error);
    store.upsert({"t", "http://a/", "s", at_s(100)});
    store.upsert({"t", "http://b/", "", at_s(200)});
    store.upsert({"t", "http://a/", "s2", at_s(300)});  // renewed
    store.add(OutboxKind::publish, "http://hub/", "t", at(5));
  }
  WebSubStore store(path);
  BOOST_TEST(store.count() == 2u);
  BOOST_TEST(store.find("t", "http://a/")->secret == "s2");
  BOOST_TEST(store.subscribers("t", at_s(250)).size() == 1u);
  BOOST_TEST((*store.next_expiry() == at_s(200)));
  BOOST_TEST(store.expire(at_s(200)) == 1u);
  BOOST_TEST(store.count() == 1u);
  BOOST_TEST(store.pending() == 1u);
  BOOST_TEST(store.remove("t", "http://a/"));
  BOOST_TEST(!store.remove("t", "http://a/"));
}

BOOST_AUTO_TEST_CASE(outbox_claims_retries_and_keeps_new_changes) {
  WebSubStore store("");  // in memory
  BOOST_TEST(!store.persistent());
  store.add(OutboxKind::deliver, "http://cb/", "t", at(1000));
  store.add(OutboxKind::publish, "http://hub/", "t", at(2000));
  BOOST_TEST(store.claim_due(at(500), 10, at(9000)).empty());
  auto items = store.claim_due(at(1500), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].attempts == 0);
  BOOST_TEST((*store.next_due() == at(2000)));
  store.retry(items[0], at(3000));
  items = store.claim_due(at(3000), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 2u);
  BOOST_TEST(items[1].attempts == 1);  // the delivery, second attempt
  // A new change while the delivery is being sent: finishing the old send keeps it.
  store.add(OutboxKind::deliver, "http://cb/", "t", at(3500));
  store.finish(items[1]);
  store.finish(items[0]);
  BOOST_TEST(store.pending() == 1u);
  items = store.claim_due(at(3500), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].attempts == 0);
  store.finish(items[0]);
  BOOST_TEST(store.pending() == 0u);
  BOOST_TEST(!store.next_due());
}

// First attempts and retries are claimed (and their next due time read) apart, each lane in
// due order, so that the sender can leave retries in the outbox while their share is full.
BOOST_AUTO_TEST_CASE(first_attempts_and_retries_are_claimed_apart) {
  using Lane = WebSubStore::Lane;
  WebSubStore store("");
  store.add(OutboxKind::deliver, "http://a/", "t", at(10));
  store.add(OutboxKind::deliver, "http://b/", "t", at(10));
  auto items = store.claim_due(at(10), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 2u);
  store.retry(items[0], at(30));  // a/ failed: a retry due at 30
  store.retry(items[1], at(20));  // b/ too, due at 20
  store.add(OutboxKind::deliver, "http://c/", "t", at(40));
  store.add(OutboxKind::publish, "http://hub/", "t", at(50));
  BOOST_TEST((*store.next_due(Lane::fresh) == at(40)));
  BOOST_TEST((*store.next_due(Lane::suspect) == at(20)));
  BOOST_TEST((*store.next_due() == at(20)));
  BOOST_TEST(store.claim_due(at(35), 10, at(9000), Lane::fresh).empty());
  items = store.claim_due(at(100), 1, at(9000), Lane::suspect);
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].target == "http://b/");  // the earlier due first
  BOOST_TEST(items[0].attempts == 1);
  items = store.claim_due(at(100), 10, at(9000), Lane::fresh);
  BOOST_TEST_REQUIRE(items.size() == 2u);
  BOOST_TEST(items[0].target == "http://c/");
  BOOST_TEST(items[1].target == "http://hub/");
  BOOST_TEST(items[1].attempts == 0);
  items = store.claim_due(at(100), 10, at(9000), Lane::suspect);
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].target == "http://a/");
  // A claim is an attempt: nothing is left that was never tried.
  BOOST_TEST(!store.next_due(Lane::fresh).has_value());
}

// An item given back untried (a suspect one over its share of the sending window) keeps its
// attempts and is due when said; a change made meanwhile is not pushed back by it.
BOOST_AUTO_TEST_CASE(an_unclaimed_item_keeps_its_attempts_and_waits) {
  WebSubStore store("");
  store.add(OutboxKind::deliver, "http://cb/", "t", at(10));
  auto items = store.claim_due(at(10), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 1u);
  store.retry(items[0], at(20));
  items = store.claim_due(at(20), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].attempts == 1);
  store.unclaim(items[0], at(500));
  BOOST_TEST((*store.next_due() == at(500)));
  BOOST_TEST(store.claim_due(at(499), 10, at(9000)).empty());
  items = store.claim_due(at(500), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].attempts == 1);                          // the give-back was no attempt
  store.add(OutboxKind::deliver, "http://cb/", "t", at(600));  // a change meanwhile
  store.unclaim(items[0], at(5000));
  BOOST_TEST((*store.next_due() == at(600)));
  items = store.claim_due(at(600), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].attempts == 0);
}

// A delivery is claimed with its subscription (so sending it reads nothing more): the
// callback's secret and lease as they are at the claim; a publish ping has none, nor a
// delivery whose subscription went away.
BOOST_AUTO_TEST_CASE(deliveries_are_claimed_with_their_subscription) {
  WebSubStore store("");
  store.upsert({"t", "http://cb/", "secret", at_s(100)});
  store.upsert({"u", "http://cb/", "other", at_s(200)});  // same callback, other topic
  store.add(OutboxKind::deliver, "http://cb/", "t", at(1));
  store.add(OutboxKind::publish, "http://cb/", "t", at(2));  // a hub at the same URL
  store.add(OutboxKind::deliver, "http://gone/", "t", at(3));
  store.add(OutboxKind::deliver, "http://cb/", "u", at(4));
  auto items = store.claim_due(at(10), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 4u);
  BOOST_TEST_REQUIRE(items[0].subscription.has_value());
  BOOST_TEST(items[0].subscription->secret == "secret");
  BOOST_TEST((items[0].subscription->expires_at == at_s(100)));
  BOOST_TEST(items[0].subscription->callback == "http://cb/");
  BOOST_TEST(items[0].subscription->topic == "t");
  BOOST_TEST(!items[1].subscription.has_value());
  BOOST_TEST(!items[2].subscription.has_value());
  BOOST_TEST_REQUIRE(items[3].subscription.has_value());
  BOOST_TEST(items[3].subscription->secret == "other");
  store.retry(items[0], at(20));
  store.upsert({"t", "http://cb/", "renewed", at_s(300)});
  items = store.claim_due(at(20), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].subscription->secret == "renewed");
  store.retry(items[0], at(30));
  BOOST_TEST(store.remove("t", "http://cb/"));  // its delivery goes with it
  BOOST_TEST(store.claim_due(at(30), 10, at(9000)).empty());
}

// The hub writes a batch of ended attempts and the next claim in one in_transaction: calls
// that open a transaction of their own (claim_due, remove) join it; all of it is in the file
// once it commits, and none of it when the work throws.
BOOST_AUTO_TEST_CASE(calls_inside_in_transaction_join_it) {
  testing::TempDir dir;
  const auto path = websub_path(dir / "index.sqlite");
  {
    WebSubStore store(path);
    store.upsert({"t", "http://a/", "", at_s(100)});
    for (const char* callback : {"http://a/", "http://b/", "http://c/"}) {
      store.add(OutboxKind::deliver, callback, "t", at(10));
    }
    const auto first = store.claim_due(at(10), 1, at(9000));
    BOOST_TEST_REQUIRE(first.size() == 1u);
    std::vector<OutboxItem> next;
    store.in_transaction([&] {
      store.finish(first[0]);
      BOOST_TEST(store.remove("t", "http://a/"));
      next = store.claim_due(at(10), 10, at(9000));
    });
    BOOST_TEST(next.size() == 2u);
    BOOST_CHECK_THROW(store.in_transaction([&] {
      store.retry(next[0], at(20));
      BOOST_TEST(store.claim_due(at(20), 10, at(9000)).size() == 1u);
      throw IndexError("stop");
    }),
                      IndexError);
    BOOST_TEST(store.pending() == 2u);  // re-read after the rollback
  }
  WebSubStore store(path);  // what was committed, from the file
  BOOST_TEST(store.count() == 0u);
  BOOST_TEST(store.pending() == 2u);
  BOOST_TEST(store.claim_due(at(8999), 10, at(9500)).empty());  // both still claimed
  BOOST_TEST(store.claim_due(at(9000), 10, at(9500)).size() == 2u);
}

// count() and pending() are kept in memory (no COUNT(*) per finished delivery): after every
// kind of write they equal what a fresh store reads from the file.
BOOST_AUTO_TEST_CASE(counts_kept_in_memory_stay_exact) {
  testing::TempDir dir;
  const auto path = websub_path(dir / "index.sqlite");
  WebSubStore store(path);
  auto exact = [&](std::size_t subscriptions, std::size_t outbox) {
    WebSubStore fresh(path);  // reads the counts from the file
    BOOST_TEST(fresh.count() == subscriptions);
    BOOST_TEST(fresh.pending() == outbox);
    return store.count() == subscriptions && store.pending() == outbox;
  };
  BOOST_TEST(exact(0, 0));
  store.in_transaction([&] {
    for (const auto& [callback, lease_end] :
         {std::pair{"http://a/", 101L}, {"http://b/", 102L}, {"http://c/", 103L}}) {
      store.upsert({"t", callback, "", at_s(lease_end)});
      store.add(OutboxKind::deliver, callback, "t", at(1000));
    }
  });
  store.add(OutboxKind::publish, "http://hub/", "t", at(1000));
  BOOST_TEST(exact(3, 4));
  auto items = store.claim_due(at(1000), 10, at(9000));
  BOOST_TEST_REQUIRE(items.size() == 4u);
  store.finish(items[0]);
  store.finish(items[0]);  // already gone
  BOOST_TEST(exact(3, 3));
  store.add(OutboxKind::deliver, "http://b/", "t", at(2000));  // bumps items[1]
  store.finish(items[1]);                                      // kept: a newer change
  store.retry(items[2], at(5000));
  BOOST_TEST(exact(3, 3));
  const auto abandoned = [&] {
    store.finish(items[3]);
    throw IndexError("abandoned");
  };
  BOOST_CHECK_THROW(store.in_transaction(abandoned), IndexError);
  BOOST_TEST(exact(3, 3));  // rolled back
  // Removing http://b/ removes its pending delivery too.
  BOOST_TEST(store.remove("t", "http://b/"));
  BOOST_TEST(exact(2, 2));
  BOOST_TEST(store.expire(at_s(103)) == 2u);  // a and c, and c's delivery
  BOOST_TEST(exact(0, 1));
}

// Deliveries marked as to a callback that failed (by add(), mark_callback(), or unclaim()) are
// claimed in the suspect lane with the retries, not among the fresh items; the mark covers
// the callback's pending deliveries of every topic, not a publish ping to the same URL, and a
// new change does not clear it: a success does.
BOOST_AUTO_TEST_CASE(marked_deliveries_wait_in_the_suspect_lane) {
  using Lane = WebSubStore::Lane;
  WebSubStore store("");
  store.add(OutboxKind::deliver, "http://dead/", "t", at(10), true);
  store.add(OutboxKind::deliver, "http://dead/", "u", at(20));
  store.add(OutboxKind::publish, "http://dead/", "t", at(30));  // a hub at the same URL
  store.add(OutboxKind::deliver, "http://ok/", "t", at(40));
  BOOST_TEST((*store.next_due(Lane::suspect) == at(10)));
  BOOST_TEST((*store.next_due(Lane::fresh) == at(20)));
  store.mark_callback("http://dead/", true);  // its delivery of "u" too
  BOOST_TEST((*store.next_due(Lane::fresh) == at(30)));
  store.add(OutboxKind::deliver, "http://dead/", "u", at(50));  // a new change keeps the mark
  auto items = store.claim_due(at(100), 10, at(9000), Lane::suspect);
  BOOST_TEST_REQUIRE(items.size() == 2u);
  BOOST_TEST(items[0].topic == "t");
  BOOST_TEST(items[0].callback_failed);
  BOOST_TEST(items[0].attempts == 0);
  BOOST_TEST(items[1].topic == "u");
  store.unclaim(items[1], at(100));  // given back: still suspect
  store.mark_callback("http://ok/", true);
  store.mark_callback("http://ok/", false);  // a success clears it
  items = store.claim_due(at(100), 10, at(9000), Lane::fresh);
  BOOST_TEST_REQUIRE(items.size() == 2u);
  BOOST_TEST((items[0].kind == OutboxKind::publish));
  BOOST_TEST(!items[0].callback_failed);
  BOOST_TEST(items[1].target == "http://ok/");
  items = store.claim_due(at(100), 10, at(9000), Lane::suspect);
  BOOST_TEST_REQUIRE(items.size() == 1u);
  BOOST_TEST(items[0].topic == "u");
  BOOST_TEST(items[0].callback_failed);
}

// A file of the tables as they were before versions (0) is migrated at its opening: its rows
// kept, unmarked, and the lane index made again on the new lane term, so that a lane's claim
// still reads in due order from the index, with no sort. A file of a newer feedd is left
// alone: the store keeps its state in memory and says why.
BOOST_AUTO_TEST_CASE(an_old_file_is_migrated_and_a_newer_one_left_alone) {
  testing::TempDir dir;
  const auto path = websub_path(dir / "index.sqlite");
  {
    SQLite::Database old(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(kWebSubTablesSql);
    old.exec(
        "INSERT INTO websub_outbox (kind, target, topic, attempts, due_ms, generation) "
        "VALUES (1, 'http://cb/', 't', 0, 10, 0)");
  }
  {
    std::string error;
    WebSubStore store(path, &error);
    BOOST_TEST_REQUIRE(store.persistent(), error);
    BOOST_TEST(store.pending() == 1u);
    const auto items = store.claim_due(at(10), 10, at(9000), WebSubStore::Lane::fresh);
    BOOST_TEST_REQUIRE(items.size() == 1u);
    BOOST_TEST(!items[0].callback_failed);
  }
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  BOOST_TEST(db.execAndGet("PRAGMA user_version").getInt() == kWebSubSchemaVersion);
  BOOST_TEST(db.execAndGet("SELECT sql FROM sqlite_schema WHERE name = 'websub_outbox_lane'")
                 .getString()
                 .find("suspect") != std::string::npos);
  SQLite::Statement plan(db,
                         "EXPLAIN QUERY PLAN SELECT id FROM websub_outbox WHERE "
                         "(attempts > 0 OR suspect) = 1 AND due_ms <= 5 ORDER BY due_ms, id");
  std::string steps;
  while (plan.executeStep()) {
    steps += plan.getColumn(3).getString() + "\n";
  }
  BOOST_TEST(steps.find("USING INDEX websub_outbox_lane") != std::string::npos, steps);
  BOOST_TEST(steps.find("TEMP B-TREE") == std::string::npos, steps);

  db.exec("PRAGMA user_version = 99");
  std::string error;
  WebSubStore newer(path, &error);
  BOOST_TEST(!newer.persistent());
  BOOST_TEST(error.find("newer feedd") != std::string::npos, error);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
