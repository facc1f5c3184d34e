#include "common/text.h"

#include <algorithm>

#include "common/utf8.h"

namespace feedd::common::text {
namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::vector<std::string_view> split_lines(std::string_view bytes) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t end = bytes.find('\n', start);
    const std::size_t next = end == std::string_view::npos ? bytes.size() : end + 1;
    if (end == std::string_view::npos) {
      end = bytes.size();
    }
    std::string_view line = bytes.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    start = next;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && is_ascii_space(s.front())) {
      s.remove_prefix(1);
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && is_ascii_space(s.back())) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return s;
}

int line_of_offset(std::string_view bytes, std::size_t offset) {
  offset = std::min(offset, bytes.size());
  return 1 + static_cast<int>(std::count(bytes.begin(), bytes.begin() + offset, '\n'));
}

std::size_t column_of_offset(std::string_view bytes, std::size_t offset) {
  const std::size_t line_start = offset == 0 ? 0 : bytes.rfind('\n', offset - 1);
  return offset - (line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1) + 1;
}

void append_html_escaped(std::string& out, std::string_view s, HtmlEscape what) {
  static constexpr std::string_view kSpecial[] = {"&<>", "&<>\"", "&<>\"'"};
  const std::string_view special = kSpecial[static_cast<int>(what)];
  while (!s.empty()) {
    const std::size_t at = s.find_first_of(special);
    out.append(s.substr(0, at));
    if (at == std::string_view::npos) {
      return;
    }
    switch (s[at]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += "&#39;";
        break;
    }
    s.remove_prefix(at + 1);
  }
}

std::string html_escape(std::string_view s, HtmlEscape what) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  append_html_escaped(out, s, what);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && istarts_with(a, b);
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(s[i]) != ascii_lower(prefix[i])) {
      return false;
    }
  }
  return true;
}

std::string_view path_stem(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) {
    name = name.substr(0, dot);
  }
  return name;
}

namespace {

void append_hex_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

}  // namespace

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto c = static_cast<unsigned char>(s[pos]);
    if (c >= 0x80) {
      char32_t cp = 0;
      const std::size_t length = utf8::decode_valid(s, pos, cp);
      // C1 controls (NEL, CSI...) and the line and paragraph separators break lines too.
      const bool breaks = (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
      if (length > 0 && !breaks) {
        out.append(s, pos, length);
        pos += length;
        continue;
      }
      const std::size_t escaped = length > 0 ? length : 1;  // not UTF-8: one byte at a time
      for (std::size_t k = 0; k < escaped; ++k) {
        append_hex_escape(out, static_cast<unsigned char>(s[pos + k]));
      }
      pos += escaped;
      continue;
    }
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          append_hex_escape(out, c);
        }
    }
    ++pos;
  }
  return out;
}

std::string_view uri_scheme(std::string_view reference) {
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const std::size_t colon = reference.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(reference[0])) {
    return {};
  }
  for (std::size_t i = 1; i < colon; ++i) {
    const char c = reference[i];
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
      return {};
    }
  }
  return reference.substr(0, colon);
}

bool is_http_or_relative(std::string_view reference) {
  const std::string_view scheme = uri_scheme(reference);
  return scheme.empty() || iequals(scheme, "http") || iequals(scheme, "https");
}

}  // namespace feedd::common::text
