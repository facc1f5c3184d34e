#include "feeds/html_text.h"

#include <array>
#include <cctype>
#include <utility>

#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

constexpr std::array<std::pair<std::string_view, char32_t>, 22> kNamedEntities = {{
    {"amp", U'&'},     {"lt", U'<'},       {"gt", U'>'},      {"quot", U'"'},    {"apos", U'\''},
    {"nbsp", 0xA0},    {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"laquo", 0xAB},   {"raquo", 0xBB},
    {"middot", 0xB7},  {"bull", 0x2022},   {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122},
    {"yen", 0xA5},     {"euro", 0x20AC},
}};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Parses the reference starting at text[0] == '&'. Returns the bytes consumed (0: not a
// reference) and appends its decoded form to `out`.
std::size_t decode_one(std::string_view text, std::string& out) {
  const std::size_t semicolon = text.find(';');
  if (semicolon == std::string_view::npos || semicolon < 2 || semicolon > 32) {
    return 0;
  }
  const std::string_view body = text.substr(1, semicolon - 1);
  if (body[0] == '#') {
    const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) {
      return 0;
    }
    char32_t cp = 0;
    for (char c : digits) {
      const int v = std::isdigit(static_cast<unsigned char>(c))
                        ? c - '0'
                        : (hex && std::isxdigit(static_cast<unsigned char>(c))
                               ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                               : -1);
      if (v < 0) {
        return 0;
      }
      cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(v);
    }
    if (is_xml_char(cp)) {
      append_utf8(out, cp);
    }
    return semicolon + 1;
  }
  for (const auto& [name, cp] : kNamedEntities) {
    if (body == name) {
      append_utf8(out, cp);
      return semicolon + 1;
    }
  }
  return 0;
}

// Tags that do not separate words; every other tag counts as white space.
constexpr std::array<std::string_view, 21> kInlineTags = {
    "a",  "abbr", "b", "cite",  "code", "em",     "i",   "kbd", "mark", "q",  "rp",
    "rt", "ruby", "s", "small", "span", "strong", "sub", "sup", "u",    "var"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Appends `text` to `out`, collapsing white space (including U+00A0) to single spaces.
void append_collapsed(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool nbsp = text[i] == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0';
    if (is_space(text[i]) || nbsp) {
      if (!out.empty() && out.back() != ' ') {
        out.push_back(' ');
      }
      i += nbsp ? 1 : 0;
    } else {
      out.push_back(text[i]);
    }
  }
}

// The lower-cased tag name of the tag at html[0] == '<' ("/p" for an end tag).
std::string tag_name(std::string_view html) {
  std::string name;
  std::size_t i = 1;
  if (i < html.size() && html[i] == '/') {
    name.push_back('/');
    ++i;
  }
  while (i < html.size() && std::isalnum(static_cast<unsigned char>(html[i]))) {
    name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(html[i]))));
    ++i;
  }
  return name;
}

// Case-insensitive search for `needle` in `haystack` from `from`.
std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from) {
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    if (iequals(haystack.substr(i, needle.size()), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      const std::size_t used = decode_one(text.substr(i), out);
      if (used > 0) {
        i += used - 1;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string html_to_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  while (i < html.size()) {
    const std::size_t lt = html.find('<', i);
    const std::size_t text_end = lt == std::string_view::npos ? html.size() : lt;
    append_collapsed(out, decode_entities(html.substr(i, text_end - i)));
    if (lt == std::string_view::npos) {
      break;
    }
    if (html.substr(lt, 4) == "<!--") {
      const std::size_t end = html.find("-->", lt + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    const std::string name = tag_name(html.substr(lt));
    if (name.empty() || name == "/") {
      out.push_back('<');  // a lone '<' in text
      i = lt + 1;
      continue;
    }
    const std::size_t gt = html.find('>', lt);
    i = gt == std::string_view::npos ? html.size() : gt + 1;
    if (name == "script" || name == "style" || name == "rt" || name == "rp") {
      const std::size_t close = ifind(html, "</" + name, i);
      const std::size_t close_gt = close == std::string_view::npos ? close : html.find('>', close);
      i = close_gt == std::string_view::npos ? html.size() : close_gt + 1;
    }
    // Tags separate words (a <br> or a block boundary); inline tags rarely split a word.
    const std::string_view bare = std::string_view(name).substr(name[0] == '/' ? 1 : 0);
    bool is_inline = false;
    for (std::string_view tag : kInlineTags) {
      is_inline = is_inline || bare == tag;
    }
    if (!is_inline && !out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

std::string first_paragraph_text(std::string_view html) {
  std::size_t from = 0;
  while (true) {
    const std::size_t open = ifind(html, "<p", from);
    if (open == std::string_view::npos) {
      break;
    }
    const char after = open + 2 < html.size() ? html[open + 2] : '\0';
    if (after != '>' && !is_space(after)) {
      from = open + 2;  // <pre>, <param>...
      continue;
    }
    const std::size_t gt = html.find('>', open);
    if (gt == std::string_view::npos) {
      break;
    }
    const std::size_t close = ifind(html, "</p", gt);
    const std::size_t end = close == std::string_view::npos ? html.size() : close;
    std::string text = html_to_text(html.substr(gt + 1, end - gt - 1));
    if (!text.empty()) {
      return text;
    }
    from = end;
  }
  return html_to_text(html);
}

}  // namespace feedd::feeds
