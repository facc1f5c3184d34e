// The plain-text summary of a post: the author's `summary` if given, else the text of the
// first paragraph of its content, at most kSummaryMaxChars characters (code points), cut at
// a word boundary for spaced scripts or a character boundary for CJK, ending in "…" when
// cut. Output is valid UTF-8 free of XML-forbidden characters. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/post.h"

namespace feedd::feeds {

class HtmlDocument;

inline constexpr std::size_t kSummaryMaxChars = 300;

std::string make_summary(const storage::Post& post, const HtmlDocument& content);
// The same, parsing post.content_html (parse_content) when the post has no summary.
std::string make_summary(const storage::Post& post);

// Cuts plain `text` (white space already collapsed) to at most `max_chars` code points,
// the "…" included. Never splits a UTF-8 sequence.
std::string cut_text(std::string_view text, std::size_t max_chars);

// True for code points of scripts written without spaces between words (Han, kana,
// Hangul, CJK punctuation and full-width forms).
bool is_cjk(char32_t cp);

}  // namespace feedd::feeds
