#include "feeds/xml_text.h"

#include "common/utf8.h"

namespace feedd::feeds {

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

std::string clean_xml_text(std::string_view text) {
  // One pass that copies the clean runs between the characters it drops (most text has
  // none: then it is one copy).
  std::string out;
  std::size_t kept = 0;  // text[kept, i) is clean and not yet in `out`
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x80) {
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t length = common::utf8::decode_valid(text, i, cp);
    if (length != 0 && is_xml_char(cp)) {
      i += length;
      continue;
    }
    // Dropped: a character XML forbids, or the first byte of a malformed sequence (its
    // continuation bytes are then dropped one by one as strays).
    if (out.empty()) {
      out.reserve(text.size());
    }
    out.append(text.substr(kept, i - kept));
    i += length == 0 ? 1 : length;
    kept = i;
  }
  if (kept == 0) {
    return std::string(text);
  }
  out.append(text.substr(kept));
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace feedd::feeds
