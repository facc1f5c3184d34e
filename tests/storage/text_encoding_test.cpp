// decode_legacy_text: which bytes are read as text in another encoding, and which are left to
// the UTF-8 checks. The byte strings are given in hex (hex escapes in C++ literals run on into
// the ASCII letters that follow them); each says the text it encodes.
#include "storage/readers/text_encoding.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>

#include "common/encoding.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(text_encoding)

namespace {

std::string bytes_of(std::string_view hex) { return common::hex_decode(hex).value(); }

// 日本語のテキストです。 in each encoding.
const std::string kShiftJis = bytes_of("93FA967B8CEA82CC8365834C8358836782C582B78142");
const std::string kEucJp = bytes_of("C6FCCBDCB8ECA4CEA5C6A5ADA5B9A5C8A4C7A4B9A1A3");
const std::string kIso2022Jp = bytes_of("1B2442467C4B5C386C244E2546252D253925482447243921231B2842");
constexpr std::string_view kText = "日本語のテキストです。";

bool decodes_to(std::string_view bytes, TextEncoding from, std::string_view utf8) {
  const auto decoded = decode_legacy_text(bytes);
  BOOST_TEST_REQUIRE(decoded.has_value());
  BOOST_TEST((decoded->from == from));
  return decoded->utf8 == utf8;
}

}  // namespace

BOOST_AUTO_TEST_CASE(japanese_legacy_encodings_decode_to_the_same_text) {
  BOOST_TEST(decodes_to(kShiftJis, TextEncoding::shift_jis, kText));
  BOOST_TEST(decodes_to(kEucJp, TextEncoding::euc_jp, kText));
  BOOST_TEST(decodes_to(kIso2022Jp, TextEncoding::iso_2022_jp, kText));
  // Windows' code page 932, not only JIS: half-width katakana (one byte each, three in UTF-8)
  // and NEC's special characters.
  BOOST_TEST(decodes_to(bytes_of("B6C0B6C582C582B7"), TextEncoding::shift_jis, "ｶﾀｶﾅです"));
  BOOST_TEST(decodes_to(bytes_of("8740878A82C5"), TextEncoding::shift_jis, "①㈱で"));
  // ASCII lines around it stay as they are.
  BOOST_TEST(decodes_to("2025.04.30\n\n" + kShiftJis + "\r\n", TextEncoding::shift_jis,
                        "2025.04.30\n\n" + std::string(kText) + "\r\n"));
}

BOOST_AUTO_TEST_CASE(utf16_is_read_by_its_byte_order_mark) {
  // U+FEFF 日本語 text, little-endian; U+FEFF English, big-endian. The mark is not kept.
  BOOST_TEST(decodes_to(bytes_of("FFFEE5652C679E8A200074006500780074000A00"), TextEncoding::utf16,
                        "日本語 text\n"));
  BOOST_TEST(decodes_to(bytes_of("FEFF0045006E0067006C006900730068000A"), TextEncoding::utf16,
                        "English\n"));
  // A lone surrogate (U+D800) and an odd byte at the end are no UTF-16 text.
  BOOST_TEST(!decode_legacy_text(bytes_of("FFFE410000D8")));
  BOOST_TEST(!decode_legacy_text(bytes_of("FFFE4100420043")));
}

BOOST_AUTO_TEST_CASE(utf8_is_left_alone) {
  BOOST_TEST(!decode_legacy_text(""));
  BOOST_TEST(!decode_legacy_text("plain ASCII\n"));
  BOOST_TEST(!decode_legacy_text(kText));
  BOOST_TEST(!decode_legacy_text("\xEF\xBB\xBF" + std::string(kText)));
  // An ESC that designates no JIS X 0208 is a control character of UTF-8 text.
  BOOST_TEST(!decode_legacy_text("colour \x1B[1mbold\x1B[0m\n"));
}

// Damaged UTF-8 is reported where it is damaged, not misread: Shift_JIS takes most UTF-8
// Japanese as other kanji, so one bad byte among many good sequences must not switch the file.
BOOST_AUTO_TEST_CASE(damaged_utf8_is_not_another_encoding) {
  std::string text;
  for (int i = 0; i < 20; ++i) {
    text += kText;
  }
  text.insert(30, "\x82");
  BOOST_TEST(!decode_legacy_text(text));
  text.erase(30, 1);
  text.resize(text.size() - 1);  // cut inside the last character
  BOOST_TEST(!decode_legacy_text(text));
  // UTF-8 with a few words pasted in Shift_JIS (です): the whole file decodes as Shift_JIS,
  // with kana (the pasted words), but the UTF-8 around them would become other kanji.
  std::string mixed;
  for (int i = 0; i < 5; ++i) {
    mixed += "ちっつてとなにぬね";
  }
  mixed += bytes_of("82C582B7") + "\n";
  BOOST_TEST(!decode_legacy_text(mixed));
}

BOOST_AUTO_TEST_CASE(text_that_decodes_to_no_japanese_is_left_to_the_utf8_checks) {
  // Latin-1 (café, été): not Shift_JIS or EUC-JP, or with no kana if it happens to decode.
  BOOST_TEST(!decode_legacy_text("caf\xE9 \xE9t\xE9\n"));
  BOOST_TEST(!decode_legacy_text(bytes_of("8ABF8E9A")));  // 漢字 in Shift_JIS: no kana
  BOOST_TEST(!decode_legacy_text(kShiftJis.substr(0, kShiftJis.size() - 1)));  // cut in two
  BOOST_TEST(!decode_legacy_text(bytes_of("FF80FF80FF80")));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::storage
