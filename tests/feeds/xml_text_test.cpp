#include "feeds/xml_text.h"

#include <boost/test/unit_test.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/utf8.h"

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

BOOST_AUTO_TEST_CASE(a_view_of_clean_text_is_the_text_itself) {
  const std::string clean = "Hello, 世界!\n";
  std::string storage = "old";
  const std::string_view same = feedd::feeds::clean_xml_view(clean, storage);
  BOOST_TEST(static_cast<const void*>(same.data()) == static_cast<const void*>(clean.data()));
  BOOST_TEST(same.size() == clean.size());
  const std::string dirty =
      "a\x01"
      "b";
  const std::string_view cleaned = feedd::feeds::clean_xml_view(dirty, storage);
  BOOST_TEST(cleaned == "ab");
  BOOST_TEST(static_cast<const void*>(cleaned.data()) == static_cast<const void*>(storage.data()));
}

namespace {

// The definition clean_xml_text() must meet, written the plain way: decode each sequence
// with the common UTF-8 decoder and keep it when it is well-formed and an XML Char.
std::string reference_clean(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t length = feedd::common::utf8::decode_valid(text, i, cp);
    if (length != 0 && feedd::feeds::is_xml_char(cp)) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      i += length == 0 ? 1 : length;
    }
  }
  return out;
}

}  // namespace

// Every sequence of up to 4 bytes where it matters (each lead byte with the boundary values
// of the continuation ranges), at every offset of an 8-byte ASCII block, and random bytes
// weighted towards UTF-8 leads and controls: the fast path agrees with the plain one.
BOOST_AUTO_TEST_CASE(agrees_with_the_plain_decoder) {
  const unsigned char edges[] = {0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0x8F, 0x90,
                                 0x9F, 0xA0, 0xBD, 0xBE, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  std::size_t checked = 0;
  for (const unsigned char a : edges) {
    for (const unsigned char b : edges) {
      for (const unsigned char c : edges) {
        for (const unsigned char d : {0x80, 0xBF, 0x41}) {
          const std::string bytes{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                                  static_cast<char>(d)};
          for (std::size_t pad = 0; pad < 9; ++pad) {
            const std::string text = std::string(pad, 'x') + bytes + std::string(9 - pad, 'y');
            if (clean_xml_text(text) != reference_clean(text)) {
              BOOST_FAIL("bytes " << static_cast<int>(a) << " " << static_cast<int>(b) << " "
                                  << static_cast<int>(c) << " " << static_cast<int>(d) << " after "
                                  << pad);
            }
            ++checked;
          }
          // The sequence, whole or cut short, at the very end of an exact-size buffer (no
          // terminator after it: an ASan build sees any read past the end).
          if (d != 0x80) {
            continue;
          }
          for (const std::size_t pad : {0, 5, 8}) {
            for (std::size_t cut = 1; cut <= bytes.size(); ++cut) {
              const std::string whole = std::string(pad, 'x') + bytes.substr(0, cut);
              const std::vector<char> buffer(whole.begin(), whole.end());
              const std::string_view text(buffer.data(), buffer.size());
              if (clean_xml_text(text) != reference_clean(text)) {
                BOOST_FAIL("bytes " << static_cast<int>(a) << " " << static_cast<int>(b) << " "
                                    << static_cast<int>(c) << " cut at " << cut << " after "
                                    << pad);
              }
              ++checked;
            }
          }
        }
      }
    }
  }
  std::mt19937 random(20261130);
  const unsigned char weighted[] = {'a', ' ', '\n', 0x01, 0x80, 0xBF, 0xE3, 0xEF, 0xF0, 0xC3};
  for (int round = 0; round < 20000; ++round) {
    std::string text(random() % 40, '\0');
    for (char& byte : text) {
      byte = static_cast<char>(random() % 2 ? weighted[random() % sizeof weighted] : random());
    }
    const std::string expected = reference_clean(text);
    std::string storage = "left over";
    if (clean_xml_text(text) != expected ||
        feedd::feeds::clean_xml_view(text, storage) != expected) {
      BOOST_FAIL("round " << round);
    }
    ++checked;
  }
  BOOST_TEST(checked == 32u * 32 * 32 * (3 * 9 + 3 * 4) + 20000);
}

BOOST_AUTO_TEST_SUITE_END()
