// UTF-8 validation and decoding.
#include "common/utf8.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>

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

// RFC 3629 §4's grammar, written out, as the reference for every lead byte: the second
// byte of a multi-byte sequence has a range that depends on the lead (no overlongs, no
// surrogates, nothing past U+10FFFF); the others are plain continuation bytes.
std::size_t rfc3629_length(std::string_view s) {
  const auto at = [&](std::size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(s[i]));
  };
  const auto tail = [&](std::size_t i) { return i < s.size() && at(i) >= 0x80 && at(i) <= 0xBF; };
  const unsigned b0 = at(0);
  if (b0 < 0x80) {
    return 1;
  }
  unsigned low = 0x80, high = 0xBF;
  std::size_t n = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    low = b0 == 0xE0 ? 0xA0 : 0x80;
    high = b0 == 0xED ? 0x9F : 0xBF;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    low = b0 == 0xF0 ? 0x90 : 0x80;
    high = b0 == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (s.size() < 2 || at(1) < low || at(1) > high) {
    return 0;
  }
  for (std::size_t i = 2; i < n; ++i) {
    if (!tail(i)) {
      return 0;
    }
  }
  return n;
}

BOOST_AUTO_TEST_CASE(agrees_with_rfc3629_on_every_lead_and_second_byte) {
  const unsigned char later[] = {0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF};
  std::size_t checked = 0;
  for (unsigned b0 = 0; b0 < 256; ++b0) {
    for (unsigned b1 = 0; b1 < 256; ++b1) {
      for (unsigned char b2 : later) {
        for (unsigned char b3 : later) {
          const char bytes[] = {static_cast<char>(b0), static_cast<char>(b1), static_cast<char>(b2),
                                static_cast<char>(b3)};
          for (std::size_t size = 1; size <= 4; ++size) {
            const std::string_view s(bytes, size);
            const std::size_t expected = rfc3629_length(s);
            if (common::utf8::valid_length(s, 0) != expected ||
                (expected == 0) != (common::utf8::find_invalid(s) == 0)) {
              BOOST_ERROR("disagrees on " << b0 << ' ' << b1 << ' ' << unsigned{b2} << ' '
                                          << unsigned{b3} << " size " << size);
              return;
            }
            std::size_t pos = 0;
            const char32_t cp = common::utf8::decode(s, pos);
            if (pos != (expected == 0 ? 1 : expected) || (expected == 0 && cp != U'\uFFFD')) {
              BOOST_ERROR("decode disagrees on " << b0 << ' ' << b1 << " size " << size);
              return;
            }
            ++checked;
          }
        }
      }
    }
  }
  BOOST_TEST(checked == 256u * 256u * 36u * 4u);
}

// append() writes what decode() reads back, at every length's first and last code point.
BOOST_AUTO_TEST_CASE(append_writes_what_decode_reads) {
  for (const char32_t cp :
       {0x0U, 0x7FU, 0x80U, 0x7FFU, 0x800U, 0xD7FFU, 0xE000U, 0xFFFFU, 0x10000U, 0x10FFFFU}) {
    std::string text;
    common::utf8::append(text, cp);
    std::size_t pos = 0;
    BOOST_TEST(common::utf8::valid_length(text, 0) == text.size());
    BOOST_TEST(static_cast<std::uint32_t>(common::utf8::decode(text, pos)) ==
               static_cast<std::uint32_t>(cp));
    BOOST_TEST(pos == text.size());
  }
  std::string dash;
  common::utf8::append(dash, U'\u2013');
  BOOST_TEST(dash == "\xE2\x80\x93");
}

// find_invalid() on longer text (ASCII is skipped eight bytes at a time): the first byte
// where rfc3629_length() finds no sequence, for 20,000 strings that put ASCII runs of every
// length, valid sequences and each kind of malformed one across the 8-byte steps.
BOOST_AUTO_TEST_CASE(finds_the_first_invalid_byte_in_long_text) {
  const std::string_view pieces[] = {
      "é", "日", "😀", "\xFF", "\x80", "\xE6\x97", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
  std::mt19937 random(12);  // fixed: the same strings every run
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int parts = 1 + static_cast<int>(random() % 6);
    for (int part = 0; part < parts; ++part) {
      text.append(random() % 20, 'a');
      // Mostly valid pieces, so that the first invalid byte falls anywhere.
      const std::size_t piece = random() % 4 == 0 ? random() % std::size(pieces) : random() % 3;
      text += pieces[piece];
    }
    text.append(random() % 20, 'z');
    std::size_t expected = common::utf8::kValid;
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t length = rfc3629_length(std::string_view(text).substr(pos));
      if (length == 0) {
        expected = pos;
        break;
      }
      pos += length;
    }
    if (common::utf8::find_invalid(text) != expected) {
      BOOST_ERROR("round " << round << ": " << common::utf8::find_invalid(text) << " against "
                           << expected << " in a text of " << text.size() << " bytes");
      return;
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
