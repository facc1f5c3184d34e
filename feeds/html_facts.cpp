#include "feeds/html_facts.h"

#include <algorithm>
#include <array>

#include "common/text.h"

namespace feedd::feeds {
namespace {

void trim_end(std::string& text) {
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
}

}  // namespace

bool holds_one_url(std::string_view attribute) {
  // `data` is <object>'s, `background` the table cells' and body's of old blogs' HTML (the
  // names hold a URL on every element that has them).
  static constexpr std::array<std::string_view, 8> kUrlAttributes = {
      "href", "src", "poster", "cite", "action", "formaction", "data", "background"};
  return std::find(kUrlAttributes.begin(), kUrlAttributes.end(), attribute) != kUrlAttributes.end();
}

void HtmlFacts::enter(bool phrasing, bool hidden, bool paragraph, std::size_t depth) {
  if (!phrasing) {
    separate();
  }
  if (hidden) {
    ++hidden_;
  }
  if (paragraph && hidden_ == 0 && paragraph_depth_ == 0 && first_paragraph.empty()) {
    paragraph_depth_ = depth;
    paragraph_start_ = text_out.size();
  }
}

void HtmlFacts::leave(bool phrasing, bool hidden, std::size_t depth) {
  if (hidden) {
    --hidden_;
  }
  if (!phrasing) {
    separate();
  }
  if (depth == paragraph_depth_) {
    std::string text = text_out.substr(paragraph_start_);
    trim_end(text);
    const std::size_t first = text.find_first_not_of(' ');
    first_paragraph = first == std::string::npos ? std::string() : text.substr(first);
    paragraph_depth_ = 0;
  }
}

void HtmlFacts::text(std::string_view text) {
  if (hidden_ == 0) {
    append_collapsed(text);
  }
}

void HtmlFacts::finish() {
  trim_end(text_out);
  // gumbo's adoption agency clones elements with their attributes: one value, many nodes.
  std::stable_sort(urls.begin(), urls.end(),
                   [](const auto& a, const auto& b) { return a.offset < b.offset; });
  urls.erase(std::unique(urls.begin(), urls.end(),
                         [](const auto& a, const auto& b) { return a.offset == b.offset; }),
             urls.end());
}

// Appends `text`, collapsing white space (including U+00A0) to single spaces. The bytes that
// end a run of kept text (the five spaces and the lead byte C2 of U+00A0) are found by one
// table load per byte.
void HtmlFacts::append_collapsed(std::string_view text) {
  static constexpr auto kEndsRun = [] {
    std::array<bool, 256> table{};
    for (int byte = 0; byte < 256; ++byte) {
      table[byte] = common::text::is_html_space(static_cast<char>(byte)) || byte == 0xC2;
    }
    return table;
  }();
  std::string& out = text_out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i;
    while (run < text.size() && !kEndsRun[static_cast<unsigned char>(text[run])]) {
      ++run;
    }
    out.append(text, i, run - i);
    if (run == text.size()) {
      break;
    }
    const bool nbsp = text[run] == '\xC2' && run + 1 < text.size() && text[run + 1] == '\xA0';
    if (common::text::is_html_space(text[run]) || nbsp) {
      separate();
      i = run + (nbsp ? 2 : 1);
    } else {
      out.push_back(text[run]);  // the lead byte of another U+0080..U+00BF
      i = run + 1;
    }
  }
}

void HtmlFacts::separate() {
  if (hidden_ == 0 && !text_out.empty() && text_out.back() != ' ') {
    text_out.push_back(' ');
  }
}

}  // namespace feedd::feeds
