// feeds::KeyList keeps keys in one block: each reads back as pushed, in order (empty keys
// too), and lists compare key by key, not by their bytes run together.
#include "feeds/key_list.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::feeds {
BOOST_AUTO_TEST_SUITE(key_list_test)

BOOST_AUTO_TEST_CASE(keys_read_back_in_order) {
  KeyList keys;
  BOOST_TEST(keys.empty());
  BOOST_TEST(keys.strings().empty());
  keys.reserve(4, 16);
  for (const std::string_view key : {"p000001-ja", "", "記事", "p000001-ja"}) {
    keys.push_back(key);
  }
  BOOST_TEST(keys.size() == 4u);
  BOOST_TEST(keys.front() == "p000001-ja");
  BOOST_TEST(keys[1] == "");
  BOOST_TEST(keys[2] == "記事");
  BOOST_TEST(keys[3] == "p000001-ja");
  BOOST_TEST((keys.strings() == std::vector<std::string>{"p000001-ja", "", "記事", "p000001-ja"}));
  std::vector<std::string_view> walked;
  for (const std::string_view key : keys) {
    walked.push_back(key);
  }
  BOOST_TEST(walked.size() == 4u);
  BOOST_TEST(walked[2] == "記事");
}

BOOST_AUTO_TEST_CASE(lists_equal_key_by_key) {
  BOOST_TEST((KeyList{"ab", "c"} == KeyList{"ab", "c"}));
  BOOST_TEST(!(KeyList{"ab", "c"} == KeyList{"a", "bc"}));
  BOOST_TEST(!(KeyList{"ab"} == KeyList{"ab", ""}));
  BOOST_TEST(!(KeyList{} == KeyList{""}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::feeds
