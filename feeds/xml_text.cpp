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
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = common::utf8::valid_length(text, i);
    if (length == 0) {
      ++i;  // drop the first byte; its continuation bytes are dropped as strays
      continue;
    }
    std::size_t next = i;
    if (is_xml_char(common::utf8::decode(text, next))) {
      out.append(text.substr(i, length));
    }
    i = next;
  }
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
