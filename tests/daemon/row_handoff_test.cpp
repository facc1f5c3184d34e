// RowHandoff (daemon/pipeline/row_handoff.h): rows pushed on one thread are consumed on
// another in the order pushed, whatever the batch sizes; what the consumer throws reaches the
// producer, at a push() or at finish(); a handoff given up midway (the reader threw) joins its
// thread without consuming the batches waiting. Each test has a timeout: a broken handoff
// hangs rather than fails.
#include "daemon/pipeline/row_handoff.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(row_handoff_test)

BOOST_AUTO_TEST_CASE(rows_are_consumed_in_order_on_another_thread, *boost::unit_test::timeout(60)) {
  for (const auto& [batch, batches, rows] :
       {std::tuple{1u, 1u, 0}, {1u, 1u, 1000}, {7u, 2u, 1000}, {1024u, 8u, 5000}, {3u, 8u, 2}}) {
    BOOST_TEST_CONTEXT("batches of " << batch << ", " << batches << " waiting, " << rows
                                     << " rows") {
      std::vector<std::string> consumed;
      bool other_thread = true;
      const auto producer = std::this_thread::get_id();
      RowHandoff<std::unique_ptr<std::string>> handoff(
          batch, batches, [&](std::unique_ptr<std::string>&& row) {
            other_thread = other_thread && std::this_thread::get_id() != producer;
            consumed.push_back(*row);
          });
      std::vector<std::string> pushed;
      for (int i = 0; i < rows; ++i) {
        pushed.push_back("row " + std::to_string(i));
        handoff.push(std::make_unique<std::string>(pushed.back()));
      }
      handoff.finish();
      BOOST_TEST(consumed == pushed, boost::test_tools::per_element());
      BOOST_TEST(other_thread);
    }
  }
}

// A failure while rows still come reaches the producer at a push(): the consumer stopped, so
// the one batch the queue holds is never taken and the next handover finds the failure.
BOOST_AUTO_TEST_CASE(a_failure_reaches_the_next_push, *boost::unit_test::timeout(60)) {
  RowHandoff<int> handoff(1, 1, [](int&& row) {
    if (row == 0) {
      throw std::runtime_error("row 0 refused");
    }
  });
  int pushed = 0;
  std::string thrown;
  try {
    for (; pushed < 100; ++pushed) {
      handoff.push(int{pushed});
    }
  } catch (const std::runtime_error& error) {
    thrown = error.what();
  }
  BOOST_TEST(thrown == "row 0 refused");
  BOOST_TEST(pushed < 100);
}

// A failure in the last batch, handed over by finish(), reaches the producer there.
BOOST_AUTO_TEST_CASE(a_failure_in_the_last_batch_reaches_finish, *boost::unit_test::timeout(60)) {
  RowHandoff<int> handoff(8, 4, [](int&& row) {
    if (row == 10) {
      throw std::runtime_error("row 10 refused");
    }
  });
  for (int i = 0; i < 12; ++i) {
    handoff.push(int{i});  // rows 8-11: the last batch, not full, handed over by finish()
  }
  std::string thrown;
  try {
    handoff.finish();
  } catch (const std::runtime_error& error) {
    thrown = error.what();
  }
  BOOST_TEST(thrown == "row 10 refused");
  BOOST_CHECK_THROW(handoff.push(int{12}), std::logic_error);
}

// Given up midway (no finish(): the reader threw), the handoff ends the batch it is consuming
// and drops the batches waiting: exactly the first batch is consumed here, the consumer held
// in it until the producer gave up; the destructor then joins.
BOOST_AUTO_TEST_CASE(a_handoff_given_up_drops_the_batches_waiting, *boost::unit_test::timeout(60)) {
  std::vector<int> consumed;
  std::atomic<bool> started = false;
  std::atomic<bool> given_up = false;
  {
    RowHandoff<int> handoff(2, 1000, [&](int&& row) {
      started = true;
      while (!given_up) {
        std::this_thread::yield();
      }
      consumed.push_back(row);
    });
    handoff.push(0);
    handoff.push(1);  // the first batch, handed over
    while (!started) {
      std::this_thread::yield();
    }
    for (int i = 2; i < 1000; ++i) {
      handoff.push(int{i});  // 499 batches: room for all of them
    }
    handoff.abandon();  // what the destructor does first, here while the consumer is held
    given_up = true;
  }
  BOOST_TEST(consumed == (std::vector<int>{0, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::daemon
