// A topic name's path segment (SPEC "Topic feeds and OPML"): NFC, lower case where the script
// has case, white space as '-', percent-encoded as UTF-8 in URLs; and the percent-decoding
// that request paths go through, which must give the segment back.
#include "common/topic_segment.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "common/encoding.h"

namespace feedd::common {
BOOST_AUTO_TEST_SUITE(topic_segment_test)

namespace {

BOOST_AUTO_TEST_CASE(japanese_names_are_kept_and_encoded_as_utf8) {
  BOOST_TEST(topic_segment("茶道") == "茶道");
  BOOST_TEST(topic_segment_url(topic_segment("茶道")) == "%E8%8C%B6%E9%81%93");
  BOOST_TEST(topic_segment("お知らせ") == "お知らせ");
  // An ideographic space (U+3000) is a space too.
  BOOST_TEST(topic_segment("茶道\u3000体験") == "茶道-体験");
}

BOOST_AUTO_TEST_CASE(spaces_and_capitals) {
  BOOST_TEST(topic_segment("Tea Time") == "tea-time");
  BOOST_TEST(topic_segment("  Tea \t  Time  ") == "tea-time");
  BOOST_TEST(topic_segment("C++") == "c++");
  BOOST_TEST(topic_segment_url("c++") == "c%2B%2B");
  BOOST_TEST(topic_segment("ΑΘΗΝΑ") == "αθηνα");    // Greek has case
  BOOST_TEST(topic_segment("Москва") == "москва");  // so has Cyrillic
  BOOST_TEST(topic_segment("ＡＢＣ") == "ａｂｃ");  // full-width Latin too
  BOOST_TEST(topic_segment("a/b") == "a-b");        // never a second path component
}

BOOST_AUTO_TEST_CASE(canonically_equal_names_give_one_segment) {
  const std::string decomposed = "Cafe\xCC\x81";  // e + U+0301 COMBINING ACUTE ACCENT
  const std::string composed = "caf\xC3\xA9";     // U+00E9
  BOOST_TEST(topic_segment(decomposed) == composed);
  BOOST_TEST(topic_segment("CAF\xC3\x89") == composed);  // U+00C9 lower-cased
  // Katakana with a decomposed voiced mark (U+30D5 U+3099) is NFC U+30D6.
  BOOST_TEST(topic_segment("\xE3\x83\x95\xE3\x82\x99\xE3\x83\xAD\xE3\x82\xB0") == "ブログ");
}

BOOST_AUTO_TEST_CASE(nothing_left_is_empty) {
  BOOST_TEST(topic_segment("") == "");
  BOOST_TEST(topic_segment("   ") == "");
  BOOST_TEST(topic_segment("\x01\x02") == "");
  BOOST_TEST(topic_segment("bad \xFF utf-8") == "");
}

BOOST_AUTO_TEST_CASE(url_form_round_trips_through_percent_decoding) {
  for (const char* name : {"茶道", "Tea Time", "100% sure", "a~b_c.d", "日本語 タグ"}) {
    const std::string segment = topic_segment(name);
    const std::string url = topic_segment_url(segment);
    BOOST_TEST(url.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789-._~%") == std::string::npos);
    BOOST_TEST(percent_decode(url).value() == segment);
  }
  BOOST_TEST(percent_decode("%e8%8c%b6%E9%81%93").value() == "茶道");  // either case
  BOOST_TEST(!percent_decode("%E8%8"));
  BOOST_TEST(!percent_decode("%zz"));
  BOOST_TEST(!percent_decode("abc%"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::common
