// EnumErrorCategory: the name it is given, each known value's message, and a numbered
// message for a value the enum does not name; error_codes of it compare by category.
#include "common/error_category.h"

#include <boost/system/error_code.hpp>
#include <boost/test/unit_test.hpp>

namespace feedd::common {
BOOST_AUTO_TEST_SUITE(enum_error_category)

namespace {

enum class Fruit { apple = 1, pear };

const char* describe(Fruit fruit) {
  switch (fruit) {
    case Fruit::apple:
      return "an apple";
    case Fruit::pear:
      return "a pear";
  }
  return nullptr;
}

const EnumErrorCategory<Fruit>& fruit_category() {
  static const EnumErrorCategory<Fruit> category("test.fruit", "unknown fruit ", describe);
  return category;
}

}  // namespace

BOOST_AUTO_TEST_CASE(names_and_messages) {
  BOOST_TEST(std::string(fruit_category().name()) == "test.fruit");
  BOOST_TEST(fruit_category().message(1) == "an apple");
  BOOST_TEST(fruit_category().message(2) == "a pear");
  BOOST_TEST(fruit_category().message(7) == "unknown fruit 7");
  BOOST_TEST(fruit_category().message(0) == "unknown fruit 0");
}

BOOST_AUTO_TEST_CASE(codes_compare_by_category) {
  const boost::system::error_code pear(static_cast<int>(Fruit::pear), fruit_category());
  BOOST_TEST(pear.message() == "a pear");
  BOOST_TEST(pear != boost::system::error_code(2, boost::system::generic_category()));
  BOOST_TEST(pear == boost::system::error_code(2, fruit_category()));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::common
