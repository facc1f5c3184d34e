// decode_legacy_text and decode_legacy_export: which bytes are read as text in another
// encoding, and which are left to the UTF-8 checks. The byte strings are given in hex (hex
// escapes in C++ literals run on into the ASCII letters that follow them); each says the text
// it encodes.
#include "storage/readers/text_encoding.h"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/encoding.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(text_encoding)

namespace {

constexpr std::size_t kMax = 1 << 20;

std::string bytes_of(std::string_view hex) { return common::hex_decode(hex).value(); }

std::optional<DecodedText> decoded(std::string_view bytes) {
  return decode_legacy_text(bytes, kMax);
}

// 日本語のテキストです。 in each encoding.
const std::string kShiftJis = bytes_of("93FA967B8CEA82CC8365834C8358836782C582B78142");
const std::string kEucJp = bytes_of("C6FCCBDCB8ECA4CEA5C6A5ADA5B9A5C8A4C7A4B9A1A3");
const std::string kIso2022Jp = bytes_of("1B2442467C4B5C386C244E2546252D253925482447243921231B2842");
constexpr std::string_view kText = "日本語のテキストです。";

bool decodes_to(std::string_view bytes, TextEncoding from, std::string_view utf8) {
  const auto text = decoded(bytes);
  BOOST_TEST_REQUIRE(text.has_value());
  BOOST_TEST((text->from == from));
  BOOST_TEST(!text->too_large);
  return text->utf8 == utf8;
}

}  // namespace

BOOST_AUTO_TEST_CASE(japanese_legacy_encodings_decode_to_the_same_text) {
  BOOST_TEST(decodes_to(kShiftJis, TextEncoding::shift_jis, kText));
  BOOST_TEST(decodes_to(kEucJp, TextEncoding::euc_jp, kText));
  BOOST_TEST(decodes_to(kIso2022Jp, TextEncoding::iso_2022_jp, kText));
  // ISO-2022-JP's older designation (ESC $ @, JIS C 6226-1978): ひらがな.
  BOOST_TEST(
      decodes_to(bytes_of("1B244024522469242C244A1B2842"), TextEncoding::iso_2022_jp, "ひらがな"));
  // Windows' code page 932, not only JIS: NEC's special characters, and half-width katakana
  // beside kana (one byte each, three in UTF-8: the output outgrows its first buffer).
  BOOST_TEST(decodes_to(bytes_of("8740878A82C5"), TextEncoding::shift_jis, "①㈱で"));
  std::string katakana;
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    katakana += bytes_of("B6C0B6C5");  // ｶﾀｶﾅ
    expected += "ｶﾀｶﾅ";
  }
  BOOST_TEST(
      decodes_to(katakana + bytes_of("82C582B7"), TextEncoding::shift_jis, expected + "です"));
  // ASCII lines around it stay as they are.
  BOOST_TEST(decodes_to("2025.04.30\n\n" + kShiftJis + "\r\n", TextEncoding::shift_jis,
                        "2025.04.30\n\n" + std::string(kText) + "\r\n"));
}

BOOST_AUTO_TEST_CASE(a_text_larger_than_the_bound_once_decoded_is_not_decoded) {
  std::string katakana;
  for (int i = 0; i < 100; ++i) {
    katakana += bytes_of("B6C0B6C5");  // ｶﾀｶﾅ: 400 bytes, 1,200 in UTF-8
  }
  katakana += bytes_of("82C582B7");  // です
  const auto text = decode_legacy_text(katakana, 1000);
  BOOST_TEST_REQUIRE(text.has_value());
  BOOST_TEST(text->too_large);
  BOOST_TEST(text->utf8.empty());
  BOOST_TEST(!decode_legacy_text(katakana, 1206)->too_large);  // 1,200 + です
}

BOOST_AUTO_TEST_CASE(utf16_is_read_by_its_byte_order_mark) {
  // U+FEFF 日本語 text, little-endian; U+FEFF English, big-endian. The mark is not kept.
  BOOST_TEST(decodes_to(bytes_of("FFFEE5652C679E8A200074006500780074000A00"), TextEncoding::utf16,
                        "日本語 text\n"));
  BOOST_TEST(decodes_to(bytes_of("FEFF0045006E0067006C006900730068000A"), TextEncoding::utf16,
                        "English\n"));
  // A lone surrogate (U+D800) and an odd byte at the end are no UTF-16 text; nor is text
  // without a line break (UTF-16 "fixed" by deleting its NUL bytes reads as CJK, on one line).
  BOOST_TEST(!decoded(bytes_of("FFFE410000D8")));
  BOOST_TEST(!decoded(bytes_of("FFFE4100420043")));
  BOOST_TEST(!decoded("\xFF\xFE---\ntitle: T\ndate: 2025-05-01\n---\nhello world\n"));
}

BOOST_AUTO_TEST_CASE(utf8_is_left_alone) {
  BOOST_TEST(!decoded(""));
  BOOST_TEST(!decoded("plain ASCII\n"));
  BOOST_TEST(!decoded(kText));
  BOOST_TEST(!decoded("\xEF\xBB\xBF" + std::string(kText)));
  // An ESC that designates no JIS X 0208 is a control character of UTF-8 text.
  BOOST_TEST(!decoded("colour \x1B[1mbold\x1B[0m\n"));
}

// Damaged UTF-8 is reported where it is damaged, not misread: Shift_JIS takes much UTF-8
// Japanese as other kanji, so bad bytes beside good sequences must not switch the file.
BOOST_AUTO_TEST_CASE(damaged_utf8_is_not_another_encoding) {
  std::string text;
  for (int i = 0; i < 20; ++i) {
    text += kText;
  }
  text.insert(30, "\x82");
  BOOST_TEST(!decoded(text));
  text.erase(30, 1);
  text.resize(text.size() - 1);  // cut inside the last character
  BOOST_TEST(!decoded(text));
  // UTF-8 with a few words pasted in Shift_JIS (です) on the same line: the whole file decodes
  // as Shift_JIS, with kana (the pasted words), but the UTF-8 around them would become other
  // kanji. Few bad bytes among many good sequences.
  std::string mixed;
  for (int i = 0; i < 5; ++i) {
    mixed += "ちっつてとなにぬね";
  }
  mixed += bytes_of("82C582B7") + "\n";
  BOOST_TEST(!decoded(mixed));
  // French in UTF-8 (café, two bytes a letter: no line of three-byte characters) with です
  // pasted in Shift_JIS, which reads café as cafﾃｩ: few bad bytes among many good sequences.
  std::string french;
  for (int i = 0; i < 10; ++i) {
    french += "Un café crème. ";
  }
  BOOST_TEST(!decoded(french + bytes_of("82C582B7") + "\n"));
  // A short file: a title line in UTF-8 ([Eng] カフェ), then a line with カフェ in UTF-8 and
  // とても良かったです in Shift_JIS. As many bad bytes as good sequences, but a line of
  // well-formed UTF-8 beyond ASCII.
  BOOST_TEST(!decoded(bytes_of(
      "323032352E30342E33300A0A5B456E675D20E382ABE38395E382A70A0A4120766973697420746F2074686520E3"
      "82ABE38395E382A72C2082C682C482E097C782A982C182BD82C582B70A")));
  // One line: It’s a café. in UTF-8, 日本語です in Shift_JIS. Shift_JIS takes it all, with
  // kana, but UTF-8's ’ becomes 窶 in it.
  BOOST_TEST(
      !decoded(bytes_of("323032352E30342E33300A0A5469746C650A0A4974E2809973206120636166C3"
                        "A92E2093FA967B8CEA82C582B70A")));
}

BOOST_AUTO_TEST_CASE(text_that_decodes_to_no_japanese_is_left_to_the_utf8_checks) {
  // Latin-1 (café, été): not Shift_JIS or EUC-JP, or with no kana if it happens to decode.
  BOOST_TEST(!decoded("caf\xE9 \xE9t\xE9\n"));
  BOOST_TEST(!decoded(bytes_of("8ABF8E9A")));                       // 漢字 in Shift_JIS: no kana
  BOOST_TEST(!decoded(kShiftJis.substr(0, kShiftJis.size() - 1)));  // cut in two
  BOOST_TEST(!decoded(bytes_of("FF80FF80FF80")));
  // Half-width katakana only in Shift_JIS (ﾃｽ､ｱ), which EUC-JP reads as 箪け; ねこ in EUC-JP,
  // which Shift_JIS reads as ､ﾍ､ｳ. Both encodings decode each, Shift_JIS without full-width
  // kana: a guess either way.
  BOOST_TEST(!decoded(bytes_of("323032352E30342E33300A0AC3BDA4B10A0AC3BDA4B1C3BDA4B10A")));
  BOOST_TEST(!decoded(bytes_of("A4CDA4B30A")));
}

// An export is decoded entry by entry in the one encoding of the file: a damaged entry stays
// as it is (the export reader reports it) and the others are decoded.
BOOST_AUTO_TEST_CASE(an_export_decodes_the_entries_that_decode) {
  const std::string first = "TITLE: " + kShiftJis + "\n--------\n";
  const std::string damaged = "TITLE: " + bytes_of("8540") + kShiftJis + "\n--------\n";
  const std::string third = "TITLE: " + kShiftJis + "\n--------\n";
  const std::string file = first + damaged + third;
  const std::string_view all = file;
  const std::vector<std::string_view> entries{all.substr(0, first.size()),
                                              all.substr(first.size(), damaged.size()),
                                              all.substr(first.size() + damaged.size())};
  const auto text = decode_legacy_export(entries, kMax);
  BOOST_TEST_REQUIRE(text.has_value());
  BOOST_TEST((text->from == TextEncoding::shift_jis));
  const std::string want = "TITLE: " + std::string(kText) + "\n--------\n";
  BOOST_TEST(text->utf8 == want + damaged + want);
  // A UTF-8 export with one entry in Shift_JIS is UTF-8 with a damaged entry.
  const std::string utf8_entry = "TITLE: " + std::string(kText) + "\n--------\n";
  const std::string mixed = utf8_entry + first;
  const std::vector<std::string_view> mixed_entries{
      std::string_view(mixed).substr(0, utf8_entry.size()),
      std::string_view(mixed).substr(utf8_entry.size())};
  BOOST_TEST(!decode_legacy_export(mixed_entries, kMax));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::storage
