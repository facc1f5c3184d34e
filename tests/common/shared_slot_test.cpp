// SharedSlot hands out what it holds, replaces it, and never frees what a reader still holds:
// the displaced object dies with its last holder. Its use under contention is
// tests/daemon/snapshot_store_test.cpp, which the ThreadSanitizer tree runs.
#include "common/shared_slot.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

namespace feedd::common {
BOOST_AUTO_TEST_SUITE(shared_slot)

BOOST_AUTO_TEST_CASE(starts_empty_and_hands_out_what_it_holds) {
  SharedSlot<std::string> slot;
  BOOST_TEST(slot.empty());
  BOOST_TEST(slot.load() == nullptr);

  const SharedSlot<std::string> given(std::make_shared<const std::string>("first"));
  BOOST_TEST(!given.empty());
  BOOST_TEST(*given.load() == "first");
  BOOST_TEST(given.load() == given.load());  // the same object, not a copy
}

BOOST_AUTO_TEST_CASE(exchange_returns_what_was_held) {
  SharedSlot<std::string> slot(std::make_shared<const std::string>("first"));
  const auto previous = slot.exchange(std::make_shared<const std::string>("second"));
  BOOST_REQUIRE(previous != nullptr);
  BOOST_TEST(*previous == "first");
  BOOST_TEST(*slot.load() == "second");

  BOOST_TEST(*slot.exchange(nullptr) == "second");
  BOOST_TEST(slot.empty());
  BOOST_TEST(slot.exchange(nullptr) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_replaced_object_lives_while_a_reader_holds_it) {
  SharedSlot<std::string> slot(std::make_shared<const std::string>("held"));
  const std::weak_ptr<const std::string> watch = slot.load();
  auto reader = slot.load();
  slot.exchange(std::make_shared<const std::string>("next"));  // the displaced one dropped
  BOOST_TEST(!watch.expired());
  BOOST_TEST(*reader == "held");
  reader.reset();
  BOOST_TEST(watch.expired());  // gone with its last holder
  BOOST_TEST(*slot.load() == "next");
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::common
