#include "feeds/simple_html.h"

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "common/text.h"

namespace feedd::feeds {
namespace {

// More attributes on one tag than this: not simple (gumbo reads it, under html_parse_bound.h).
constexpr std::size_t kMostAttributes = 16;

// What an element may contain, in the subset whose tree is the tags as written.
enum class Content {
  flow,      // text, phrasing and block elements (the body, li, blockquote, th, td)
  phrasing,  // text and phrasing elements only (a block inside would close or move it)
  items,     // ul, ol: li and white space
  table,     // thead, tbody, tr and white space (text would be foster-parented)
  rows,      // thead, tbody: tr and white space
  cells,     // tr: th, td and white space
  none,      // void elements
};

struct Element {
  std::string_view name;
  bool phrasing;  // phrasing content (may stand inside a Content::phrasing element)
  bool joins;     // does not separate words (html_document.h: a, em, code, strong...)
  Content content;
};

// The elements the Markdown converter writes (md4c, GitHub dialect). `joins` follows the
// phrasing list of html_document.cpp: del is phrasing content but separates words there.
constexpr std::array<Element, 26> kElements = {{
    {"a", true, true, Content::phrasing},        {"code", true, true, Content::phrasing},
    {"em", true, true, Content::phrasing},       {"strong", true, true, Content::phrasing},
    {"del", true, false, Content::phrasing},     {"img", true, false, Content::none},
    {"br", true, false, Content::none},          {"p", false, false, Content::phrasing},
    {"h1", false, false, Content::phrasing},     {"h2", false, false, Content::phrasing},
    {"h3", false, false, Content::phrasing},     {"h4", false, false, Content::phrasing},
    {"h5", false, false, Content::phrasing},     {"h6", false, false, Content::phrasing},
    {"pre", false, false, Content::phrasing},    {"ul", false, false, Content::items},
    {"ol", false, false, Content::items},        {"li", false, false, Content::flow},
    {"blockquote", false, false, Content::flow}, {"hr", false, false, Content::none},
    {"table", false, false, Content::table},     {"thead", false, false, Content::rows},
    {"tbody", false, false, Content::rows},      {"tr", false, false, Content::cells},
    {"th", false, false, Content::flow},         {"td", false, false, Content::flow},
}};
constexpr Element kBody = {"", false, false, Content::flow};

const Element* find_element(std::string_view name) {
  for (const Element& element : kElements) {
    // The length first, inline: g++ calls string_view::compare out of line, and this runs
    // for every tag of every post (1.1 % of a cold build's instructions).
    if (element.name.size() == name.size() && element.name == name) {
      return &element;
    }
  }
  return nullptr;
}

// May `child` stand in `parent`? (The rules that keep the tree as written.)
bool may_contain(const Element& parent, const Element& child) {
  switch (parent.content) {
    case Content::flow:
      return child.name != "li" && child.content != Content::rows &&
             child.content != Content::cells && child.name != "th" && child.name != "td";
    case Content::phrasing:
      return child.phrasing;
    case Content::items:
      return child.name == "li";
    case Content::table:
      return child.content == Content::rows || child.content == Content::cells;
    case Content::rows:
      return child.content == Content::cells;  // tr
    case Content::cells:
      return child.name == "th" || child.name == "td";
    case Content::none:
      return false;
  }
  return false;
}

// Does `text` continue with `part` at `at`? The bytes compared inline (a literal's length is
// known): `substr(at, n) == part` calls string_view::compare out of line, and these run for
// every tag and reference of every post.
bool has_at(std::string_view text, std::size_t at, std::string_view part) {
  return at <= text.size() && text.size() - at >= part.size() &&
         std::memcmp(text.data() + at, part.data(), part.size()) == 0;
}

bool only_white_space(std::string_view text) {
  for (const char c : text) {
    if (!common::text::is_html_space(c)) {
      return false;
    }
  }
  return true;
}

// Resolves the five references the converter writes; false for any other '&'.
bool decode(std::string_view raw, std::string& out) {
  out.clear();
  std::size_t i = 0;
  while (i < raw.size()) {
    const std::size_t amp = raw.find('&', i);
    out.append(raw, i, (amp == std::string_view::npos ? raw.size() : amp) - i);
    if (amp == std::string_view::npos) {
      break;
    }
    static constexpr std::array<std::pair<std::string_view, char>, 5> kReferences = {
        {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}}};
    bool known = false;
    for (const auto& [reference, character] : kReferences) {
      if (has_at(raw, amp, reference)) {
        out.push_back(character);
        i = amp + reference.size();
        known = true;
        break;
      }
    }
    if (!known) {
      return false;
    }
  }
  return true;
}

// Code points the HTML5 input stream treats as errors, which gumbo replaces with U+FFFD: C0
// controls but tab, LF and CR (and FF), DEL and the C1 controls, U+FDD0..U+FDEF and every
// U+xFFFE / U+xFFFF. (`source` is valid UTF-8.) Each byte is first looked up in a table of
// the bytes that may start one (those controls, DEL, C2, EF, F0 and up): ASCII text,
// continuation bytes and kana or kanji (E3..E9) leads pass with one load instead of five
// comparisons.
bool has_replaced_code_points(std::string_view source) {
  static constexpr auto kMayStart = [] {
    std::array<bool, 256> table{};
    for (int byte = 0; byte < 0x20; ++byte) {
      table[byte] = byte != '\t' && byte != '\n' && byte != '\r';
    }
    for (int byte : {0x7F, 0xC2, 0xEF}) {
      table[byte] = true;
    }
    for (int byte = 0xF0; byte <= 0xFF; ++byte) {
      table[byte] = true;
    }
    return table;
  }();
  for (std::size_t i = 0; i < source.size(); ++i) {
    const auto byte = static_cast<unsigned char>(source[i]);
    if (!kMayStart[byte]) {
      continue;
    }
    const auto next = [&](std::size_t k) {
      return i + k < source.size() ? static_cast<unsigned char>(source[i + k]) : 0u;
    };
    // The whole rule again: the table only decides which bytes are worth it.
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F ||
        (byte == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) ||
        (byte == 0xEF && next(1) == 0xB7 && next(2) >= 0x90 && next(2) <= 0xAF) ||
        (byte == 0xEF && next(1) == 0xBF && (next(2) == 0xBE || next(2) == 0xBF)) ||
        (byte >= 0xF0 && (next(1) & 0x0F) == 0x0F && next(2) == 0xBF &&
         (next(3) == 0xBE || next(3) == 0xBF))) {
      return true;
    }
  }
  return false;
}

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

class Scanner {
 public:
  Scanner(std::string_view source, HtmlFacts& facts) : source_(source), facts_(facts) {}

  bool run() {
    if (has_replaced_code_points(source_)) {
      return false;
    }
    stack_.push_back(&kBody);
    while (pos_ < source_.size()) {
      const std::size_t lt = source_.find('<', pos_);
      const std::size_t end = lt == std::string_view::npos ? source_.size() : lt;
      if (end > pos_ && !text(source_.substr(pos_, end - pos_))) {
        return false;
      }
      pos_ = end;
      if (pos_ < source_.size() && !tag()) {
        return false;
      }
    }
    return stack_.size() == 1;  // everything closed
  }

 private:
  bool text(std::string_view raw) {
    const Content content = stack_.back()->content;
    if (content != Content::flow && content != Content::phrasing) {
      return only_white_space(raw) && (facts_.text(raw), true);
    }
    if (!decode(raw, decoded_)) {
      return false;
    }
    facts_.text(decoded_);
    return true;
  }

  // At '<': a start or end tag of a known element, or false.
  bool tag() {
    const bool end_tag = has_at(source_, pos_, "</");
    std::size_t i = pos_ + (end_tag ? 2 : 1);
    const std::size_t name_start = i;
    while (i < source_.size() && is_name_char(source_[i])) {
      ++i;
    }
    const Element* element = find_element(source_.substr(name_start, i - name_start));
    if (element == nullptr) {
      return false;
    }
    if (end_tag) {
      if (!has_at(source_, i, ">") || stack_.size() < 2 || stack_.back() != element) {
        return false;
      }
      facts_.leave(element->joins, false, stack_.size() - 1);
      anchors_ -= element->name == "a" ? 1 : 0;
      stack_.pop_back();
      pos_ = i + 1;
      return true;
    }
    if (!may_contain(*stack_.back(), *element) || (element->name == "a" && anchors_ > 0)) {
      return false;
    }
    attributes_.clear();
    names_.clear();
    const bool is_void = element->content == Content::none;
    while (true) {
      if (i >= source_.size()) {
        return false;
      }
      if (source_[i] == '>') {
        ++i;
        break;
      }
      if (has_at(source_, i, "/>") || has_at(source_, i, " />")) {
        if (!is_void) {
          return false;  // "/>" opens a non-void element in HTML5: not as written
        }
        i += source_[i] == '/' ? 2 : 3;
        break;
      }
      if (source_[i] != ' ' || !attribute(i)) {
        return false;
      }
    }
    const std::size_t depth = stack_.size();
    for (UrlAttribute& url : attributes_) {
      facts_.url(std::move(url));
    }
    facts_.enter(element->joins, false, element->name == "p", depth);
    if (is_void) {
      facts_.leave(element->joins, false, depth);
    } else {
      stack_.push_back(element);
      anchors_ += element->name == "a" ? 1 : 0;
    }
    pos_ = i;
    return true;
  }

  // At the space before ` name="value"`: reads it (URL values into attributes_), advancing i.
  bool attribute(std::size_t& i) {
    ++i;
    const std::size_t name_start = i;
    while (i < source_.size() && is_name_char(source_[i])) {
      ++i;
    }
    const std::string_view name = source_.substr(name_start, i - name_start);
    if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z') || !has_at(source_, i, "=\"")) {
      return false;
    }
    const std::size_t quote = i + 1;
    const std::size_t close = source_.find('"', quote + 1);
    if (close == std::string_view::npos) {
      return false;
    }
    const std::string_view raw = source_.substr(quote + 1, close - quote - 1);
    for (const char c : raw) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '<') {
        return false;  // the parser would normalise or read these otherwise
      }
    }
    // The Markdown converter writes at most three; the bound keeps the check below linear.
    if (names_.size() == kMostAttributes) {
      return false;
    }
    for (const std::string_view seen : names_) {
      if (seen == name) {
        return false;  // a repeated attribute is dropped by the parser
      }
    }
    names_.push_back(name);
    if (holds_one_url(name) || name == "srcset") {
      std::string value;
      if (!decode(raw, value)) {
        return false;
      }
      attributes_.push_back(UrlAttribute{quote, close + 1 - quote, name == "srcset", value});
    } else if (!decode(raw, decoded_)) {
      return false;
    }
    i = close + 1;
    return true;
  }

  std::string_view source_;
  HtmlFacts& facts_;
  std::size_t pos_ = 0;
  std::vector<const Element*> stack_;
  int anchors_ = 0;                       // open <a> elements
  std::vector<UrlAttribute> attributes_;  // of the start tag being read
  std::vector<std::string_view> names_;   // likewise
  std::string decoded_;                   // scratch
};

}  // namespace

bool read_simple_html(std::string_view source, HtmlFacts& facts) {
  return Scanner(source, facts).run();
}

}  // namespace feedd::feeds
