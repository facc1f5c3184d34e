#include "feeds/html_parse_bound.h"

#include <algorithm>
#include <array>
#include <vector>

#include "common/text.h"

namespace feedd::feeds {
namespace {

// Elements that never hold children (HTML's void elements, plus the legacy ones).
constexpr std::array<std::string_view, 18> kVoid = {
    "area", "base",  "basefont", "bgsound", "br",   "col",  "embed", "frame",  "hr",
    "img",  "image", "input",    "keygen",  "link", "meta", "param", "source", "track"};
// Start tags that close an open p element first.
constexpr std::array<std::string_view, 36> kClosesP = {
    "address", "article", "aside",   "blockquote", "center",   "details",    "dialog", "dir",
    "div",     "dl",      "dd",      "dt",         "fieldset", "figcaption", "figure", "footer",
    "form",    "h1",      "h2",      "h3",         "h4",       "h5",         "h6",     "header",
    "hgroup",  "hr",      "li",      "listing",    "main",     "menu",       "nav",    "ol",
    "p",       "pre",     "section", "ul"};
// Elements a start tag of the same name closes when it is the current node.
constexpr std::array<std::string_view, 8> kSelfClosing = {"p",      "li", "dt", "dd",
                                                          "option", "tr", "td", "th"};
// Phrasing elements that are neither "special" nor formatting elements: an end tag of an
// element below them closes them for good (formatting elements may be reopened).
constexpr std::array<std::string_view, 17> kPassable = {
    "abbr", "bdi", "bdo", "cite", "data", "dfn",  "kbd",  "label", "mark",
    "q",    "rb",  "rp",  "rt",   "ruby", "samp", "span", "sub"};
// Formatting elements: closed by another element's end tag, they are reopened later.
constexpr std::array<std::string_view, 14> kFormatting = {
    "a",    "b", "big",   "code",   "em",     "font", "i",
    "nobr", "s", "small", "strike", "strong", "tt",   "u"};
// How far down an end tag looks for its element: keeps the estimate linear.
constexpr std::size_t kLookback = 16;

// Elements whose content the tokenizer reads as text up to their end tag, in HTML content
// (not noscript: gumbo parses with scripting off, so its content is tags).
constexpr std::array<std::string_view, 8> kRawText = {"iframe", "noembed",  "noframes", "script",
                                                      "style",  "textarea", "title",    "xmp"};
// Start tags after which an element's place decides whether its text is raw (foreign content,
// a select's content model): past one of them, raw text is no longer skipped.
constexpr std::array<std::string_view, 3> kPlaceDecides = {"math", "select", "svg"};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

template <std::size_t N>
bool is_one_of(std::string_view name, const std::array<std::string_view, N>& names) {
  // The length first, inline: most names differ in it, and this runs for every tag of every
  // post (a call to iequals per candidate was 1.6 % of a cold build's instructions).
  return std::any_of(names.begin(), names.end(), [&](std::string_view candidate) {
    return candidate.size() == name.size() && common::text::iequals(name, candidate);
  });
}

// The tag name starting at html[from] (the tokenizer's: up to white space, '/' or '>').
std::string_view name_at(std::string_view html, std::size_t from) {
  std::size_t end = from;
  while (end < html.size() && html[end] != '>' && html[end] != '/' && html[end] != ' ' &&
         html[end] != '\t' && html[end] != '\n' && html[end] != '\r' && html[end] != '\f') {
    ++end;
  }
  return html.substr(from, end - from);
}

// The estimate: the open elements, plus the formatting elements closed by another end tag
// that the tree builder keeps in its list of active formatting elements and reopens.
class OpenElements {
 public:
  std::size_t depth() const { return open_.size() + reopened_; }

  void open(std::string_view name) { open_.push_back(name); }
  std::string_view current() const { return open_.empty() ? std::string_view() : open_.back(); }

  // An end tag (or, with end_tag false, a start tag closing an open p): closes the
  // innermost `name` across phrasing elements only.
  void close(std::string_view name, bool end_tag) {
    const std::size_t floor = open_.size() > kLookback ? open_.size() - kLookback : 0;
    for (std::size_t i = open_.size(); i > floor; --i) {
      if (common::text::iequals(open_[i - 1], name)) {
        for (std::size_t k = i; k < open_.size(); ++k) {
          reopened_ += is_one_of(open_[k], kFormatting) ? 1 : 0;
        }
        open_.resize(i - 1);
        return;
      }
      if (!is_one_of(open_[i - 1], kPassable) && !is_one_of(open_[i - 1], kFormatting)) {
        break;
      }
    }
    if (end_tag && reopened_ > 0 && is_one_of(name, kFormatting)) {
      --reopened_;  // its end tag takes it off the list
    }
  }

 private:
  std::vector<std::string_view> open_;
  std::size_t reopened_ = 0;
};

// From html[i], just after a tag's name: counts the tag's attributes as the tokenizer reads
// them into `count`; returns where the tag ends (after its '>', or the end of the body).
std::size_t read_attributes(std::string_view html, std::size_t i, std::size_t& count) {
  const std::size_t size = html.size();
  count = 0;
  while (true) {
    while (i < size && (common::text::is_html_space(html[i]) || html[i] == '/')) {
      ++i;
    }
    if (i >= size) {
      return size;
    }
    if (html[i] == '>') {
      return i + 1;
    }
    ++count;
    ++i;  // a name's first character may be '='
    while (i < size && !common::text::is_html_space(html[i]) && html[i] != '/' && html[i] != '>' &&
           html[i] != '=') {
      ++i;
    }
    while (i < size && common::text::is_html_space(html[i])) {
      ++i;
    }
    if (i >= size || html[i] != '=') {
      continue;
    }
    ++i;
    while (i < size && common::text::is_html_space(html[i])) {
      ++i;
    }
    if (i < size && (html[i] == '"' || html[i] == '\'')) {
      const std::size_t close = html.find(html[i], i + 1);
      if (close == std::string_view::npos) {
        return size;
      }
      i = close + 1;
    } else {
      while (i < size && !common::text::is_html_space(html[i]) && html[i] != '>') {
        ++i;
      }
    }
  }
}

// From html[from], inside raw-text element `name`: where its end tag starts (or the end).
std::size_t raw_text_end(std::string_view html, std::size_t from, std::string_view name) {
  for (std::size_t at = html.find("</", from); at != std::string_view::npos;
       at = html.find("</", at + 2)) {
    const std::size_t after = at + 2 + name.size();
    if (after <= html.size() && common::text::iequals(html.substr(at + 2, name.size()), name) &&
        (after == html.size() || common::text::is_html_space(html[after]) || html[after] == '/' ||
         html[after] == '>')) {
      return at;
    }
  }
  return html.size();
}

// From html[from], inside a comment or bogus comment: where it ends. One forward pass: a
// search for each terminator from `from` would read the rest of the body once per comment.
std::size_t comment_end(std::string_view html, std::size_t from, bool dashed) {
  if (!dashed) {
    const std::size_t gt = html.find('>', from);
    return gt == std::string_view::npos ? html.size() : gt + 1;
  }
  for (std::size_t at = html.find("--", from); at != std::string_view::npos;
       at = html.find("--", at + 1)) {
    if (html.substr(at + 2, 1) == ">") {
      return at + 3;
    }
    if (html.substr(at + 2, 2) == "!>") {
      return at + 4;
    }
  }
  return html.size();
}

}  // namespace

std::size_t attribute_work(std::string_view html) {
  std::size_t work = 0;
  std::size_t i = 0;
  bool raw_text_by_name = true;  // until a start tag whose place decides
  while (work <= kMaxAttributeWork) {
    const std::size_t lt = html.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= html.size()) {
      break;
    }
    i = lt + 1;
    if (html.substr(lt, 4) == "<!--") {
      i = comment_end(html, lt + 2, true);  // "<!-->" ends at once
      continue;
    }
    const bool end_tag = html[i] == '/';
    const std::size_t name_start = i + (end_tag ? 1 : 0);
    if (html[i] == '!' || html[i] == '?' ||
        (end_tag && name_start < html.size() && !is_alpha(html[name_start]) &&
         html[name_start] != '>')) {
      i = comment_end(html, i, false);
      continue;
    }
    if (name_start >= html.size() || !is_alpha(html[name_start])) {
      continue;  // text
    }
    const std::string_view name = name_at(html, name_start);
    std::size_t count = 0;
    i = read_attributes(html, name_start + name.size(), count);
    if (count > kFreeAttributes) {
      work += count * (count - 1) / 2;
    }
    if (end_tag) {
      continue;
    }
    if (is_one_of(name, kPlaceDecides)) {
      raw_text_by_name = false;
    }
    if (!raw_text_by_name) {
      continue;
    }
    if (common::text::iequals(name, "plaintext")) {
      break;  // the rest is text
    }
    if (is_one_of(name, kRawText)) {
      i = raw_text_end(html, i, name);
    }
  }
  return work;
}

std::string_view parse_refusal(std::string_view html) {
  if (nesting_work(html) > kMaxNestingWork) {
    return "nested too deeply";
  }
  if (attribute_work(html) > kMaxAttributeWork) {
    return "with too many attributes on one tag";
  }
  return {};
}

std::size_t nesting_work(std::string_view html) {
  OpenElements open;
  std::size_t work = 0;
  for (std::size_t lt = html.find('<'); lt != std::string_view::npos && work <= kMaxNestingWork;
       lt = html.find('<', lt + 1)) {
    const bool end_tag = lt + 1 < html.size() && html[lt + 1] == '/';
    const std::size_t name_start = lt + (end_tag ? 2 : 1);
    if (name_start >= html.size() || !is_alpha(html[name_start])) {
      continue;
    }
    const std::string_view name = name_at(html, name_start);
    if (end_tag) {
      open.close(name, true);
      continue;
    }
    if (is_one_of(name, kClosesP)) {
      open.close("p", false);
    }
    if (!is_one_of(name, kVoid) &&
        !(common::text::iequals(open.current(), name) && is_one_of(name, kSelfClosing))) {
      open.open(name);
      work += open.depth() > kFreeNestingDepth ? open.depth() - kFreeNestingDepth : 0;
    }
  }
  return work;
}

}  // namespace feedd::feeds
