// UTF-8 validation and decoding.
#include "common/utf8.h"

#include <boost/test/unit_test.hpp>

namespace feedd::storage {

BOOST_AUTO_TEST_SUITE(utf8_codec)

BOOST_AUTO_TEST_CASE(valid_text) {
  BOOST_TEST(common::utf8::is_valid(""));
  BOOST_TEST(common::utf8::is_valid("ascii"));
  BOOST_TEST(common::utf8::is_valid("日本語 é 😀"));
  BOOST_TEST(common::utf8::count_code_points("日本語 é 😀") == 7u);
  std::size_t pos = 0;
  BOOST_TEST((common::utf8::decode("😀", pos) == U'\U0001F600'));
  BOOST_TEST(pos == 4u);
}

BOOST_AUTO_TEST_CASE(malformed_sequences) {
  BOOST_TEST(common::utf8::find_invalid("ab\xFF") == 2u);
  BOOST_TEST(common::utf8::find_invalid("\xC0\xAF") == 0u);          // overlong '/'
  BOOST_TEST(common::utf8::find_invalid("\xE0\x80\xAF") == 0u);      // overlong
  BOOST_TEST(common::utf8::find_invalid("\xED\xA0\x80") == 0u);      // surrogate
  BOOST_TEST(common::utf8::find_invalid("\xF4\x90\x80\x80") == 0u);  // past U+10FFFF
  BOOST_TEST(common::utf8::find_invalid("x\xE6\x97") == 1u);         // truncated
  BOOST_TEST(common::utf8::find_invalid("\x80") == 0u);              // lone continuation
  std::size_t pos = 0;
  BOOST_TEST((common::utf8::decode("\xFF", pos) == U'\uFFFD'));
  BOOST_TEST(pos == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
