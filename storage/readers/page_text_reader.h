// Reads SPEC format 1, "page text": the text of a blog page saved from the blog (navigation
// lines, a date line, a title, blocks separated by blank lines). Pure function; thread-safe;
// never throws for bad input: a file without date or title gives a Problem and no post.
#pragma once

#include <string_view>

#include "storage/readers/post_reader.h"

namespace feedd::storage {

// A block of two or more lines whose first line has no sentence-ending punctuation
// (. 。 ! ? ！ ？ : ：) and is short relative to the paragraph it heads (a following line at
// least kHeadingLengthRatio times as long, in code points) is a heading plus a paragraph.
// kHeadingMaxCodePoints only stops a whole unpunctuated line from passing for a heading.
inline constexpr std::size_t kHeadingLengthRatio = 2;
inline constexpr std::size_t kHeadingMaxCodePoints = 120;

// `bytes` must be valid UTF-8 without NUL bytes (read_post_file checks this first).
// The post's key is the file stem; its position the stem's leading number ("012_x" -> 12).
ReadResult read_page_text(std::string_view path, std::string_view bytes,
                          const ReaderOptions& options);

}  // namespace feedd::storage
