#include "feeds/summary.h"

#include <vector>

#include "common/utf8.h"
#include "feeds/html_document.h"
#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

struct CodePoint {
  std::size_t offset;  // byte offset of its first byte
  char32_t value;
};

// Splits valid UTF-8 (as clean_xml_text returns) into code points.
std::vector<CodePoint> code_points(std::string_view text) {
  std::vector<CodePoint> result;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t offset = i;
    result.push_back(CodePoint{offset, common::utf8::decode(text, i)});
  }
  return result;
}

bool is_blank(char32_t cp) { return cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r'; }

std::string collapse_spaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') {
        out.push_back(' ');
      }
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

}  // namespace

bool is_cjk(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x11FF) ||  // Hangul Jamo
         (cp >= 0x2E80 && cp <= 0x9FFF) ||  // radicals, CJK punctuation, kana, Han
         (cp >= 0xA960 && cp <= 0xA97F) ||  // Hangul Jamo Extended-A
         (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
         (cp >= 0xFE30 && cp <= 0xFE4F) ||  // CJK compatibility forms
         (cp >= 0xFF00 && cp <= 0xFFEF) ||  // half-width and full-width forms
         (cp >= 0x20000 && cp <= 0x3FFFF);  // Han extensions
}

std::string cut_text(std::string_view text, std::size_t max_chars) {
  const std::vector<CodePoint> cps = code_points(text);
  if (cps.size() <= max_chars) {
    return std::string(text);
  }
  if (max_chars == 0) {
    return {};
  }
  // Keep max_chars - 1 characters, leaving room for the ellipsis.
  const std::size_t keep = max_chars - 1;
  std::size_t cut = keep;  // index of the first dropped code point
  const bool cjk_boundary = is_cjk(cps[cut].value) || (cut > 0 && is_cjk(cps[cut - 1].value));
  if (!cjk_boundary && !is_blank(cps[cut].value)) {
    // Back up to the last space, unless that would drop more than half of the text.
    std::size_t space = cut;
    while (space > 0 && !is_blank(cps[space - 1].value) && !is_cjk(cps[space - 1].value)) {
      --space;
    }
    if (space > keep / 2) {
      cut = space;
    }
  }
  std::string out(text.substr(0, cps[cut].offset));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
    out.pop_back();
  }
  out.append(kEllipsis);
  return out;
}

std::string make_summary(const storage::Post& post, const HtmlDocument& content) {
  std::string text = post.summary.empty() ? content.first_paragraph_text()
                                          : collapse_spaces(clean_xml_text(post.summary));
  return cut_text(clean_xml_text(text), kSummaryMaxChars);
}

std::string make_summary(const storage::Post& post) {
  if (!post.summary.empty()) {
    return make_summary(post, HtmlDocument(std::string()));
  }
  return make_summary(post, *parse_content(post));
}

}  // namespace feedd::feeds
