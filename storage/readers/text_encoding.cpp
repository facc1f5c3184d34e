#include "storage/readers/text_encoding.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "common/utf8.h"

namespace feedd::storage {
namespace {

enum class Outcome { decoded, failed, too_large };

struct Conversion {
  Outcome outcome = Outcome::failed;
  std::string text;  // when decoded
};

// `bytes` in `encoding` (an iconv name) as UTF-8: failed when any sequence is not one the
// encoding defines (no //IGNORE), too_large as soon as the text passes `max_bytes` (half-width
// katakana take one byte in Shift_JIS and three in UTF-8: the bound is on the output).
Conversion iconv_to_utf8(std::string_view bytes, const char* encoding, std::size_t max_bytes) {
  Conversion result;
  iconv_t cd = iconv_open("UTF-8", encoding);
  if (reinterpret_cast<std::intptr_t>(cd) == -1) {  // iconv_open's (iconv_t) -1
    return result;  // the gconv module is missing: the file is reported as it is
  }
  struct Closer {
    iconv_t cd;
    ~Closer() { iconv_close(cd); }
  } closer{cd};
  std::string& out = result.text;
  out.resize(std::min(bytes.size() + bytes.size() / 2 + 16, max_bytes + 1));
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
    if (used > max_bytes) {
      return {Outcome::too_large, {}};
    }
    if (done != static_cast<std::size_t>(-1)) {
      if (flushing) {
        break;
      }
      flushing = true;
      continue;
    }
    if (errno != E2BIG) {
      return {Outcome::failed, {}};  // EILSEQ, or EINVAL: a sequence cut at the end
    }
    if (out.size() > max_bytes) {
      return {Outcome::too_large, {}};  // full at the bound, and more to write
    }
    out.resize(std::min(out.size() * 2, max_bytes + 1));
  }
  out.resize(used);
  result.outcome = Outcome::decoded;
  return result;
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

// What UTF-8 becomes when read as Shift_JIS: the lead bytes of its kana (E3 81, E3 82, E3 83),
// CJK punctuation (E3 80) and general punctuation (E2 80: ’ “ …) read as these rare kanji.
bool has_mojibake(std::string_view text) {
  for (std::string_view kanji : {"縺", "繧", "繝", "縲", "窶"}) {
    if (text.find(kanji) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// Damaged UTF-8 rather than another encoding: a line that is all well-formed UTF-8 with a
// character of three bytes or more (text a UTF-8 editor wrote; Shift_JIS and EUC-JP lines are
// malformed as UTF-8 at their kana, whose bytes are UTF-8 continuation bytes), or fewer than
// one non-ASCII character in five malformed (a few bad bytes among many good sequences).
bool is_damaged_utf8(std::string_view bytes) {
  std::size_t well_formed = 0;
  std::size_t malformed = 0;
  bool line_well_formed = true;
  bool line_wide = false;
  for (std::size_t pos = 0; pos <= bytes.size();) {
    if (pos == bytes.size() || bytes[pos] == '\n') {
      if (line_well_formed && line_wide) {
        return true;
      }
      line_well_formed = true;
      line_wide = false;
      ++pos;
      continue;
    }
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t length = common::utf8::valid_length(bytes, pos);
    if (length == 0) {
      ++malformed;
      line_well_formed = false;
      ++pos;
    } else {
      ++well_formed;
      line_wide = line_wide || length >= 3;
      pos += length;
    }
  }
  return malformed * 4 < well_formed;
}

// ISO-2022-JP's designations of JIS X 0208 (1978 and 1983), which only it writes.
bool has_jis_escape(std::string_view bytes) {
  return bytes.find('\x1B') != std::string_view::npos &&
         (bytes.find("\x1B$B") != std::string_view::npos ||
          bytes.find("\x1B$@") != std::string_view::npos);
}

// A whole text in UTF-16 (by its mark) or ISO-2022-JP, by the rules in the header.
std::optional<DecodedText> decode_whole(std::string_view bytes, TextEncoding from,
                                        std::size_t max_bytes) {
  const char* name = from == TextEncoding::utf16 ? "UTF-16" : "ISO-2022-JP";
  Conversion conversion = iconv_to_utf8(bytes, name, max_bytes);
  if (conversion.outcome == Outcome::too_large) {
    return DecodedText{from, {}, true};
  }
  const std::string& text = conversion.text;
  const bool plausible =
      from == TextEncoding::utf16 ? text.find('\n') != std::string::npos : kana_in(text) > 0;
  if (conversion.outcome != Outcome::decoded || !plausible || !common::utf8::is_valid(text)) {
    return std::nullopt;
  }
  return DecodedText{from, std::move(conversion.text)};
}

// One Japanese encoding's reading of a file's parts (one part: the whole file).
struct PartsReading {
  TextEncoding from;
  std::vector<std::optional<std::string>> parts;  // null: that part does not decode
  std::size_t decoded = 0;
  std::size_t kana = 0;
  bool too_large = false;
};

PartsReading read_parts(std::span<const std::string_view> parts, TextEncoding from,
                        std::size_t max_bytes) {
  PartsReading reading{from, {}};
  const char* name = from == TextEncoding::shift_jis ? "CP932" : "EUC-JP";
  std::size_t size = 0;
  for (std::string_view part : parts) {
    Conversion conversion = iconv_to_utf8(part, name, size < max_bytes ? max_bytes - size : 0);
    if (conversion.outcome == Outcome::too_large) {
      reading.too_large = true;
      return reading;
    }
    if (conversion.outcome != Outcome::decoded ||
        (from == TextEncoding::shift_jis && has_mojibake(conversion.text))) {
      reading.parts.emplace_back();
      size += part.size();
      continue;
    }
    reading.kana += kana_in(conversion.text);
    ++reading.decoded;
    size += conversion.text.size();
    reading.parts.emplace_back(std::move(conversion.text));
  }
  return reading;
}

// The parts in Shift_JIS or EUC-JP: the reading that decodes more parts, Shift_JIS on a tie,
// when it gives kana (EUC-JP kana-only text also decodes as Shift_JIS half-width katakana, and
// Shift_JIS half-width katakana as EUC-JP: then Shift_JIS is taken, has no full-width kana,
// and neither is); each part it does not decode kept as it is. `all`: every part must decode
// (a file read whole).
std::optional<DecodedText> decode_japanese(std::span<const std::string_view> parts, bool all,
                                           std::size_t max_bytes) {
  std::array<PartsReading, 2> readings{read_parts(parts, TextEncoding::shift_jis, max_bytes),
                                       read_parts(parts, TextEncoding::euc_jp, max_bytes)};
  for (const PartsReading& reading : readings) {
    if (reading.too_large) {
      return DecodedText{reading.from, {}, true};
    }
  }
  PartsReading& best = readings[0].decoded >= readings[1].decoded ? readings[0] : readings[1];
  if (best.kana == 0 || best.decoded == 0 || (all && best.decoded < parts.size())) {
    return std::nullopt;
  }
  DecodedText result{best.from, {}};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    result.utf8 += best.parts[i] ? std::string_view(*best.parts[i]) : parts[i];
  }
  return result;
}

std::optional<DecodedText> decode(std::string_view whole, std::span<const std::string_view> parts,
                                  bool all, std::size_t max_bytes) {
  if (has_utf16_mark(whole)) {
    return decode_whole(whole, TextEncoding::utf16, max_bytes);
  }
  if (common::utf8::is_valid(whole)) {
    return has_jis_escape(whole) ? decode_whole(whole, TextEncoding::iso_2022_jp, max_bytes)
                                 : std::nullopt;
  }
  if (is_damaged_utf8(whole)) {
    return std::nullopt;
  }
  return decode_japanese(parts, all, max_bytes);
}

}  // namespace

std::optional<DecodedText> decode_legacy_text(std::string_view bytes, std::size_t max_bytes) {
  const std::array<std::string_view, 1> whole{bytes};
  return decode(bytes, whole, true, max_bytes);
}

std::optional<DecodedText> decode_legacy_export(std::span<const std::string_view> entries,
                                                std::size_t max_bytes) {
  if (entries.empty()) {
    return std::nullopt;
  }
  // The entries cover one buffer, in order.
  const std::string_view whole(
      entries.front().data(),
      static_cast<std::size_t>(entries.back().data() + entries.back().size() -
                               entries.front().data()));
  return decode(whole, entries, false, max_bytes);
}

bool has_utf16_mark(std::string_view bytes) {
  return bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF");
}

bool may_be_legacy_text(std::string_view bytes) {
  return has_utf16_mark(bytes) || !common::utf8::is_valid(bytes) || has_jis_escape(bytes);
}

std::string_view encoding_name(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::utf16:
      return "UTF-16";
    case TextEncoding::shift_jis:
      return "Shift_JIS";
    case TextEncoding::euc_jp:
      return "EUC-JP";
    case TextEncoding::iso_2022_jp:
      return "ISO-2022-JP";
  }
  return "UTF-8";
}

}  // namespace feedd::storage
