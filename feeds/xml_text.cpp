#include "feeds/xml_text.h"

#include <cstdint>
#include <cstring>

namespace feedd::feeds {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;

// True when all 8 bytes at `p` are printable ASCII (0x20-0x7F): no control, no byte of a
// multi-byte sequence. (x - 0x20 per byte borrows into the high bit only below 0x20.)
inline bool printable_ascii_8(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return ((word | (word - 0x20 * kOnes)) & kHighBits) == 0;
}

inline bool continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length (1 to 4) of the character at text[i] when it is well-formed UTF-8 (RFC 3629: no
// overlong forms, surrogates or code points past U+10FFFF) and allowed by XML 1.0; 0 when
// it is to be dropped. The same decisions as decode_valid() + is_xml_char(), inline: this
// runs over every byte of every entry's content, in each feed it is rendered into.
inline std::size_t clean_length(std::string_view text, std::size_t i) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + i;
  const std::size_t left = text.size() - i;
  const unsigned char b0 = s[0];
  if (b0 < 0x80) {
    return b0 >= 0x20 || b0 == 0x09 || b0 == 0x0A || b0 == 0x0D ? 1 : 0;
  }
  if (b0 < 0xC2) {
    return 0;  // a stray continuation byte, or the lead of an overlong 2-byte form
  }
  if (b0 < 0xE0) {
    return left >= 2 && continuation(s[1]) ? 2 : 0;
  }
  if (b0 < 0xF0) {
    if (left < 3 || !continuation(s[1]) || !continuation(s[2])) {
      return 0;
    }
    if ((b0 == 0xE0 && s[1] < 0xA0) || (b0 == 0xED && s[1] >= 0xA0)) {
      return 0;  // overlong, or a surrogate
    }
    if (b0 == 0xEF && s[1] == 0xBF && s[2] >= 0xBE) {
      return 0;  // U+FFFE, U+FFFF
    }
    return 3;
  }
  if (b0 < 0xF5) {
    if (left < 4 || !continuation(s[1]) || !continuation(s[2]) || !continuation(s[3])) {
      return 0;
    }
    if ((b0 == 0xF0 && s[1] < 0x90) || (b0 == 0xF4 && s[1] >= 0x90)) {
      return 0;  // overlong, or past U+10FFFF
    }
    return 4;
  }
  return 0;
}

}  // namespace

bool is_xml_char(char32_t cp) {
  if (cp < 0x20) {
    return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    return false;
  }
  if (cp == 0xFFFE || cp == 0xFFFF) {
    return false;
  }
  return cp <= 0x10FFFF;
}

std::string_view clean_xml_view(std::string_view text, std::string& storage) {
  // One pass that copies the clean runs between the characters it drops (most text has
  // none: then nothing is copied). Printable ASCII goes 8 bytes at a time.
  storage.clear();
  std::size_t kept = 0;  // text[kept, i) is clean and not yet in `storage`
  std::size_t i = 0;
  while (i < text.size()) {
    while (i + 8 <= text.size() && printable_ascii_8(text.data() + i)) {
      i += 8;
    }
    // The common 3-byte characters (kana, kanji: U+1000-U+CFFF, U+E000-U+EFFF) in a run.
    while (i + 3 <= text.size()) {
      const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + i;
      if (s[0] < 0xE1 || s[0] == 0xED || s[0] > 0xEE || !continuation(s[1]) ||
          !continuation(s[2])) {
        break;
      }
      i += 3;
    }
    if (i == text.size()) {
      break;
    }
    const std::size_t length = clean_length(text, i);
    if (length != 0) {
      i += length;
      continue;
    }
    // Dropped: a character XML forbids, or the first byte of a malformed sequence (its
    // continuation bytes are then dropped one by one as strays).
    if (storage.empty()) {
      storage.reserve(text.size());
    }
    storage.append(text.substr(kept, i - kept));
    ++i;
    kept = i;
  }
  if (kept == 0) {
    return text;
  }
  storage.append(text.substr(kept));
  return storage;
}

std::string clean_xml_text(std::string_view text) {
  std::string storage;
  const std::string_view clean = clean_xml_view(text, storage);
  return clean.data() == text.data() ? std::string(text) : std::move(storage);
}

}  // namespace feedd::feeds
