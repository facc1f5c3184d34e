#include "storage/readers/text_encoding.h"

#include <iconv.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "common/utf8.h"

namespace feedd::storage {
namespace {

// `bytes` in `encoding` (an iconv name) as UTF-8, or nullopt when any sequence is not one the
// encoding defines (no //IGNORE: a file is decoded whole or not at all).
std::optional<std::string> iconv_to_utf8(std::string_view bytes, const char* encoding) {
  iconv_t cd = iconv_open("UTF-8", encoding);
  if (reinterpret_cast<std::intptr_t>(cd) == -1) {  // iconv_open's (iconv_t) -1
    return std::nullopt;  // the gconv module is missing: the file is reported as it is
  }
  struct Closer {
    iconv_t cd;
    ~Closer() { iconv_close(cd); }
  } closer{cd};
  std::string out(bytes.size() + bytes.size() / 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write there
  std::size_t in_left = bytes.size();
  std::size_t used = 0;
  bool flushing = false;  // after the input, the return to the initial shift state
  for (;;) {
    char* to = out.data() + used;
    std::size_t to_left = out.size() - used;
    const std::size_t done = flushing ? iconv(cd, nullptr, nullptr, &to, &to_left)
                                      : iconv(cd, &in, &in_left, &to, &to_left);
    used = out.size() - to_left;
    if (done != static_cast<std::size_t>(-1)) {
      if (flushing) {
        break;
      }
      flushing = true;
      continue;
    }
    if (errno != E2BIG) {
      return std::nullopt;  // EILSEQ, or EINVAL: a sequence cut at the end
    }
    out.resize(out.size() * 2);  // half-width katakana: one byte in, three out
  }
  out.resize(used);
  if (!common::utf8::is_valid(out)) {
    return std::nullopt;  // a lone UTF-16 surrogate, say
  }
  return out;
}

// Full-width hiragana and katakana (U+3040 to U+30FF) in UTF-8 `text`.
std::size_t kana_in(std::string_view text) {
  std::size_t kana = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = common::utf8::decode(text, pos);
    kana += cp >= 0x3040 && cp <= 0x30FF ? 1 : 0;
  }
  return kana;
}

// Damaged UTF-8 rather than another encoding: fewer than one non-ASCII character in five is
// malformed. Shift_JIS and EUC-JP text is malformed as UTF-8 at most of its characters (their
// kana bytes are UTF-8 continuation bytes), damaged UTF-8 only where the damage is.
bool is_damaged_utf8(std::string_view bytes) {
  std::size_t well_formed = 0;
  std::size_t malformed = 0;
  for (std::size_t pos = 0; pos < bytes.size();) {
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t length = common::utf8::valid_length(bytes, pos);
    if (length == 0) {
      ++malformed;
      ++pos;
    } else {
      ++well_formed;
      pos += length;
    }
  }
  return malformed * 4 < well_formed;
}

bool has_utf16_mark(std::string_view bytes) {
  return bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF");
}

// ISO-2022-JP's designations of JIS X 0208 (1978 and 1983), which only it writes.
bool has_jis_escape(std::string_view bytes) {
  return bytes.find("\x1B$B") != std::string_view::npos ||
         bytes.find("\x1B$@") != std::string_view::npos;
}

// The kana rule: without any, a decoding is more likely a Latin-1 or binary file that
// happened to decode (Shift_JIS takes most byte pairs) than Japanese text.
std::optional<DecodedText> japanese(TextEncoding from, std::optional<std::string> text) {
  if (!text || kana_in(*text) == 0) {
    return std::nullopt;
  }
  return DecodedText{from, std::move(*text)};
}

}  // namespace

std::optional<DecodedText> decode_legacy_text(std::string_view bytes) {
  if (has_utf16_mark(bytes)) {
    if (auto text = iconv_to_utf8(bytes, "UTF-16")) {  // the mark says the byte order
      return DecodedText{TextEncoding::utf16, std::move(*text)};
    }
    return std::nullopt;
  }
  if (common::utf8::is_valid(bytes)) {
    if (bytes.find('\x1B') != std::string_view::npos && has_jis_escape(bytes)) {
      return japanese(TextEncoding::iso_2022_jp, iconv_to_utf8(bytes, "ISO-2022-JP"));
    }
    return std::nullopt;
  }
  if (is_damaged_utf8(bytes)) {
    return std::nullopt;
  }
  auto shift_jis = japanese(TextEncoding::shift_jis, iconv_to_utf8(bytes, "CP932"));
  auto euc_jp = japanese(TextEncoding::euc_jp, iconv_to_utf8(bytes, "EUC-JP"));
  if (shift_jis && euc_jp) {
    return kana_in(euc_jp->utf8) > kana_in(shift_jis->utf8) ? std::move(euc_jp)
                                                            : std::move(shift_jis);
  }
  return shift_jis ? std::move(shift_jis) : std::move(euc_jp);
}

}  // namespace feedd::storage
