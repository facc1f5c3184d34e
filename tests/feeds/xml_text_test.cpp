#include "feeds/xml_text.h"

#include <boost/test/unit_test.hpp>
#include <string>

using feedd::feeds::clean_xml_text;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(xml_text)

BOOST_AUTO_TEST_CASE(clean_text_is_unchanged) {
  const std::string text = "Hello, 世界! tab\there\nline\r\n😀 é";
  BOOST_TEST(clean_xml_text(text) == text);
}

BOOST_AUTO_TEST_CASE(forbidden_controls_are_dropped) {
  BOOST_TEST(clean_xml_text("a\x01"s
                            "b\x08"
                            "c\x0B"
                            "d\x0C"
                            "e\x1F"
                            "f") == "abcdef");
  BOOST_TEST(clean_xml_text("nul\0here"s) == "nulhere");
  BOOST_TEST(clean_xml_text("\x7F\xC2\x85"s) == "\x7F\xC2\x85");  // allowed (discouraged)
}

BOOST_AUTO_TEST_CASE(non_characters_fffe_ffff_are_dropped) {
  BOOST_TEST(clean_xml_text("a\xEF\xBF\xBE"
                            "b\xEF\xBF\xBF"
                            "c\xEF\xBF\xBD") == "abc\xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_dropped) {
  BOOST_TEST(clean_xml_text("a\x80"
                            "b") == "ab");  // stray continuation
  BOOST_TEST(clean_xml_text("a\xC3"
                            "b") == "ab");           // truncated in the middle
  BOOST_TEST(clean_xml_text("ab\xE3\x81") == "ab");  // truncated at the end
  BOOST_TEST(clean_xml_text("a\xC0\xAF"
                            "b") == "ab");  // overlong '/'
  BOOST_TEST(clean_xml_text("a\xE0\x80\xAF"
                            "b") == "ab");  // overlong, 3 bytes
  BOOST_TEST(clean_xml_text("a\xED\xA0\x80"
                            "b") == "ab");  // lone high surrogate
  BOOST_TEST(clean_xml_text("a\xED\xBF\xBF"
                            "b") == "ab");  // lone low surrogate
  BOOST_TEST(clean_xml_text("a\xF4\x90\x80\x80"
                            "b") == "ab");  // past U+10FFFF
  BOOST_TEST(clean_xml_text("a\xFF\xFE"
                            "b") == "ab");                               // impossible bytes
  BOOST_TEST(clean_xml_text("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");  // U+1F600 kept
}

BOOST_AUTO_TEST_SUITE_END()
