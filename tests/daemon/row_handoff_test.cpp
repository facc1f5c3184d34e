// RowHandoff (daemon/pipeline/row_handoff.h): rows pushed on one thread are consumed on
// another in the order pushed, whatever the batch sizes; what the consumer throws reaches the
// producer; a handoff given up midway (the reader threw) joins its thread without consuming
// the rest.
#include "daemon/pipeline/row_handoff.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(row_handoff_test)

BOOST_AUTO_TEST_CASE(rows_are_consumed_in_order_on_another_thread) {
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

BOOST_AUTO_TEST_CASE(what_the_consumer_throws_reaches_the_producer) {
  // Thrown in the first batch: a later push() rethrows it once the consumer stopped (the
  // queue holds at most one batch of 4, so the producer waits for it), or else finish().
  RowHandoff<int> handoff(4, 1, [](int&& row) {
    if (row == 2) {
      throw std::runtime_error("row 2 refused");
    }
  });
  bool thrown = false;
  try {
    for (int i = 0; i < 100; ++i) {
      handoff.push(int{i});
    }
    handoff.finish();
  } catch (const std::runtime_error& error) {
    thrown = std::string(error.what()) == "row 2 refused";
  }
  BOOST_TEST(thrown);
}

BOOST_AUTO_TEST_CASE(a_handoff_given_up_joins_without_consuming_the_rest) {
  std::vector<int> consumed;
  {
    RowHandoff<int> handoff(2, 64, [&](int&& row) { consumed.push_back(row); });
    for (int i = 0; i < 1000; ++i) {
      handoff.push(int{i});
    }
  }  // no finish(): as when the reader threw
  BOOST_TEST(consumed.size() <= 1000u);
  for (std::size_t i = 0; i < consumed.size(); ++i) {
    BOOST_TEST(consumed[i] == static_cast<int>(i));
  }
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::daemon
