#include "storage/readers/convert_breaks.h"

#include <vector>

#include "common/text.h"

namespace feedd::storage {
namespace {

using Lines = std::vector<std::string_view>;

std::string join_lines(const Lines& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) {
      out += '\n';
    }
    out += lines[i];
  }
  return out;
}

// Whether a paragraph is already HTML block content (kept as written, no <p> around it).
bool starts_with_block_tag(std::string_view paragraph) {
  static constexpr std::string_view kBlockTags[] = {
      "p",          "div",    "h1",  "h2",      "h3",      "h4",      "h5",
      "h6",         "ul",     "ol",  "li",      "dl",      "pre",     "table",
      "blockquote", "figure", "hr",  "form",    "section", "article", "aside",
      "header",     "footer", "nav", "address", "iframe",  "script",  "style"};
  if (!paragraph.starts_with('<')) {
    return false;
  }
  std::string_view rest = paragraph.substr(1);
  if (rest.starts_with('/')) {
    rest.remove_prefix(1);
  }
  for (std::string_view tag : kBlockTags) {
    if (common::text::istarts_with(rest, tag) && rest.size() > tag.size()) {
      const char after = rest[tag.size()];
      if (after == '>' || after == ' ' || after == '/' || after == '\n' || after == '\t') {
        return true;
      }
    }
  }
  return rest.starts_with("!--");
}

}  // namespace

std::string convert_breaks(std::string_view html) {
  const Lines lines = common::text::split_lines(html);
  std::string out;
  Lines paragraph;
  auto flush = [&] {
    if (paragraph.empty()) {
      return;
    }
    const std::string joined = join_lines(paragraph);
    if (!out.empty()) {
      out += '\n';
    }
    if (starts_with_block_tag(joined)) {
      out += joined;
    } else {
      out += "<p>";
      for (std::size_t k = 0; k < paragraph.size(); ++k) {
        out += k > 0 ? "<br>\n" : "";
        out += paragraph[k];
      }
      out += "</p>";
    }
    paragraph.clear();
  };
  for (std::string_view line : lines) {
    if (common::text::is_blank(line)) {
      flush();
    } else {
      paragraph.push_back(line);
    }
  }
  flush();
  return out;
}

}  // namespace feedd::storage
