// Post files that are not UTF-8 but text in another encoding a Japanese blog's files come in:
// UTF-16 with its byte order mark (Windows' "Unicode" text), Shift_JIS (Windows' code page
// 932, the Japanese Windows default), EUC-JP (older Unix blog tools and exports) and
// ISO-2022-JP (7-bit "JIS", from mail-to-blog gateways). Such a file is read as the same text
// in UTF-8, so an old export is published instead of refused; what is left is reported as
// before (invalid UTF-8, a NUL byte). Decoded by glibc's iconv (its gconv modules ship with
// libc6), strictly: a byte sequence the encoding does not define fails what is decoded.
//
// Damaged UTF-8 is not another encoding: Shift_JIS "decodes" much UTF-8 Japanese as other
// kanji, so a file with a line of well-formed UTF-8 beyond ASCII, or with a few bad bytes
// among many good sequences, is left to the UTF-8 checks, which name the bad byte. Pure
// functions; thread-safe (an iconv descriptor per call); never throw (except bad_alloc).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace feedd::storage {

enum class TextEncoding { utf16, shift_jis, euc_jp, iso_2022_jp };

struct DecodedText {
  TextEncoding from;
  std::string utf8;        // empty when too_large
  bool too_large = false;  // the text is more than the caller's max_bytes as UTF-8: not decoded
};

// `bytes` re-encoded as UTF-8 when they are text in one of the encodings above, not UTF-8;
// nullopt otherwise (UTF-8, damaged UTF-8, or not text in any of them):
// - a file that begins with a UTF-16 byte order mark is UTF-16 when it decodes to text with a
//   line break (a real post has lines);
// - valid UTF-8 is ISO-2022-JP only when it designates JIS X 0208 (ESC $ B or ESC $ @);
// - Shift_JIS or EUC-JP when it decodes the file to text with full-width kana (Japanese text
//   is mostly kana; a Latin-1 file Shift_JIS happens to take gives none) and, for Shift_JIS,
//   without the kanji that UTF-8's kana and punctuation become in it (縺 繧 繝 縲 窶:
//   mojibake). When both decode it, Shift_JIS is the reading, so a file both take that has no
//   full-width kana in Shift_JIS (EUC-JP text of kana only, which Shift_JIS reads as
//   half-width katakana; Shift_JIS text of half-width katakana only) is a guess: not taken.
// Costs a pass over valid UTF-8 (two when it holds an ESC byte); meant for files already found
// not to be UTF-8.
std::optional<DecodedText> decode_legacy_text(std::string_view bytes, std::size_t max_bytes);

// The same for an export whose `entries` (its bytes cut after each entry's end line, in order,
// covering the file) are checked one by one: the encoding is chosen for the whole file (the
// one decoding more entries, Shift_JIS on a tie, when those give kana), and an entry it does
// not decode is kept as it is, for the export reader to report as damaged while the others
// publish.
std::optional<DecodedText> decode_legacy_export(std::span<const std::string_view> entries,
                                                std::size_t max_bytes);

// Whether `bytes` begin with a UTF-16 byte order mark (either byte order).
bool has_utf16_mark(std::string_view bytes);

// Whether the functions above could decode `bytes`: a UTF-16 mark, bytes that are not UTF-8,
// or a JIS X 0208 escape. False for plain UTF-8 (one pass): the cheap question to ask first.
bool may_be_legacy_text(std::string_view bytes);

// "UTF-16", "Shift_JIS", "EUC-JP", "ISO-2022-JP".
std::string_view encoding_name(TextEncoding encoding);

}  // namespace feedd::storage
