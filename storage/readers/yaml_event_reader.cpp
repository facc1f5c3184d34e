#include "storage/readers/yaml_event_reader.h"

#include <cstring>

namespace feedd::storage {
namespace {

// Stand-ins are U+10FF00 + n (UTF-8 F4 8F BC..BE xx) for the n below.
constexpr unsigned kLineSeparator = 0xA8;  // U+2028; U+2029 is 0xA9
constexpr unsigned kNonCharacter = 0xAE;   // U+FFFE; U+FFFF is 0xAF

// The stand-in number of the character at text[i] and its length in bytes; 0 when none.
std::size_t needs_stand_in(std::string_view text, std::size_t i, unsigned& n) {
  const auto b = static_cast<unsigned char>(text[i]);
  if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) {
    n = b;
    return 1;
  }
  const auto at = [&](std::size_t k) {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  if (b == 0xC2 && at(1) >= 0x80 && at(1) <= 0x9F) {
    n = at(1);  // C1 controls and NEL
    return 2;
  }
  if (b == 0xE2 && at(1) == 0x80 && (at(2) == 0xA8 || at(2) == 0xA9)) {
    n = kLineSeparator + (at(2) - 0xA8);
    return 3;
  }
  if (b == 0xEF && at(1) == 0xBF && (at(2) == 0xBE || at(2) == 0xBF)) {
    n = kNonCharacter + (at(2) - 0xBE);
    return 3;
  }
  return 0;
}

void append_stand_in(std::string& out, unsigned n) {
  out += '\xF4';
  out += '\x8F';
  out += static_cast<char>(0xBC + (n >> 6));
  out += static_cast<char>(0x80 + (n & 0x3F));
}

// The original character of stand-in n, appended as UTF-8.
void append_original(std::string& out, unsigned n) {
  if (n < 0x80) {
    out += static_cast<char>(n);
  } else if (n <= 0x9F) {
    out += '\xC2';
    out += static_cast<char>(n);
  } else if (n == kLineSeparator || n == kLineSeparator + 1) {
    out += "\xE2\x80";
    out += static_cast<char>(0xA8 + (n - kLineSeparator));
  } else {
    out += "\xEF\xBF";
    out += static_cast<char>(0xBE + (n - kNonCharacter));
  }
}

// `text` with stand-ins; empty when it needs none.
std::string with_stand_ins(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned n = 0;
    const std::size_t len = needs_stand_in(text, i, n);
    if (len == 0) {
      if (!out.empty()) {
        out += text[i];
      }
      continue;
    }
    if (out.empty()) {
      out.reserve(text.size() + 16);
      out.append(text.substr(0, i));
    }
    append_stand_in(out, n);
    i += len - 1;
  }
  return out;
}

bool is_null_word(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

}  // namespace

YamlEventReader::YamlEventReader(std::string_view text) : swapped_text_(with_stand_ins(text)) {
  swapped_ = !swapped_text_.empty();
  const std::string_view input = swapped_ ? std::string_view(swapped_text_) : text;
  yaml_parser_initialize(&parser_);
  yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(input.data()),
                               input.size());
  yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
}

YamlEventReader::~YamlEventReader() {
  if (has_event_) {
    yaml_event_delete(&event_);
  }
  yaml_parser_delete(&parser_);
}

bool YamlEventReader::next() {
  if (has_event_) {
    yaml_event_delete(&event_);
    has_event_ = false;
  }
  if (ended_ || !error_.empty()) {
    return false;
  }
  if (yaml_parser_parse(&parser_, &event_) == 0) {
    error_ = parser_.problem != nullptr ? parser_.problem : "unknown error";
    error_line_ = static_cast<int>(parser_.problem_mark.line);
    if (parser_.context != nullptr) {
      error_ += std::string(" ") + parser_.context;
      context_line_ = static_cast<int>(parser_.context_mark.line);
    }
    return false;
  }
  has_event_ = true;
  ended_ = event_.type == YAML_STREAM_END_EVENT;
  return true;
}

std::string YamlEventReader::scalar() const {
  const std::string_view value(reinterpret_cast<const char*>(event_.data.scalar.value),
                               event_.data.scalar.length);
  if (!swapped_ || value.find('\xF4') == std::string_view::npos) {
    return std::string(value);
  }
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = [&](std::size_t k) { return static_cast<unsigned char>(value[i + k]); };
    if (c(0) == 0xF4 && i + 3 < value.size() && c(1) == 0x8F && c(2) >= 0xBC && c(2) <= 0xBE) {
      append_original(out, ((c(2) - 0xBCu) << 6) | (c(3) - 0x80u));
      i += 3;
    } else {
      out += value[i];
    }
  }
  return out;
}

bool YamlEventReader::scalar_is_null() const {
  const auto& s = event_.data.scalar;
  return s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nullptr &&
         is_null_word(std::string_view(reinterpret_cast<const char*>(s.value), s.length));
}

std::string_view YamlEventReader::anchor() const {
  const yaml_char_t* name = nullptr;
  if (event_.type == YAML_SCALAR_EVENT) {
    name = event_.data.scalar.anchor;
  } else if (event_.type == YAML_SEQUENCE_START_EVENT) {
    name = event_.data.sequence_start.anchor;
  } else if (event_.type == YAML_MAPPING_START_EVENT) {
    name = event_.data.mapping_start.anchor;
  } else if (event_.type == YAML_ALIAS_EVENT) {
    name = event_.data.alias.anchor;
  }
  return name == nullptr ? std::string_view() : reinterpret_cast<const char*>(name);
}

}  // namespace feedd::storage
