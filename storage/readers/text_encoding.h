// Post files that are not UTF-8 but text in another encoding a Japanese blog's files come in:
// UTF-16 with its byte order mark (Windows' "Unicode" text), Shift_JIS (Windows' code page
// 932, the Japanese Windows default), EUC-JP (older Unix blog tools and exports) and
// ISO-2022-JP (7-bit "JIS", from mail-to-blog gateways). Such a file is read as the same text
// in UTF-8, so an old export is published instead of refused; what is left is reported as
// before (invalid UTF-8, a NUL byte). Decoded by glibc's iconv (its gconv modules ship with
// libc6), strictly: a byte sequence the encoding does not define fails the whole file.
//
// A file with a few bad bytes among well-formed UTF-8 sequences is damaged UTF-8, not another
// encoding (Shift_JIS would "decode" most UTF-8 Japanese into other kanji), so it is left to
// the UTF-8 checks, which name the bad byte. Pure functions; thread-safe; never throw (except
// bad_alloc).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedd::storage {

enum class TextEncoding { utf16, shift_jis, euc_jp, iso_2022_jp };

struct DecodedText {
  TextEncoding from;
  std::string utf8;
};

// `bytes` re-encoded as UTF-8 when they are text in one of the encodings above, not UTF-8;
// nullopt otherwise (UTF-8, damaged UTF-8, or not text in any of them). A file that begins
// with a UTF-16 mark is UTF-16; valid UTF-8 is ISO-2022-JP only when it designates JIS X 0208
// (ESC $ B or ESC $ @). Shift_JIS and EUC-JP must decode to text with kana (Japanese text is
// mostly kana; a Latin-1 file that Shift_JIS happens to take gives none); when both do, the
// one giving more kana wins (the wrong reading gives half-width katakana or rare kanji).
// Costs a pass over valid UTF-8 (two when it holds an ESC byte); meant for files already
// found not to be UTF-8, or in an export, before its entries are checked one by one.
std::optional<DecodedText> decode_legacy_text(std::string_view bytes);

}  // namespace feedd::storage
