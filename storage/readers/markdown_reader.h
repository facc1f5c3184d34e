// Reads SPEC format 2: Markdown with YAML ("---") or TOML ("+++") front matter, body in
// CommonMark with GitHub's extensions (md4c). Pure functions; thread-safe; never throw for
// bad input: a missing title or date, a bad date or a front-matter syntax error gives a
// Problem with its file line and no post.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/readers/front_matter_bounds.h"
#include "storage/readers/post_reader.h"

namespace feedd::storage {

// `bytes` must be valid UTF-8 without NUL bytes (read_post_file checks this first) and
// start with the opening fence line. The key is front matter `id`, else the file stem.
// Front matter and body over their bounds, a title over kMaxTitleBytes or an id over
// kMaxKeyBytes give a Problem and no post (storage/readers/reader_limits.h).
ReadResult read_markdown(std::string_view path, std::string_view bytes,
                         const ReaderOptions& options);

// CommonMark + GitHub extensions (tables, strikethrough, autolinks, task lists) -> HTML.
// Raw HTML in the input is kept, as authors expect. No trailing newline.
std::string markdown_to_html(std::string_view markdown);

// Why `markdown` should not be given to md4c: more than kMaxMarkdownBytes, or a line opened
// by more than kMaxMarkdownNesting container marks (">", "-", "+", "*", "1." or "1)").
// One linear pass; nullopt when it is within bounds.
std::optional<BoundsError> markdown_bounds_error(std::string_view markdown);

}  // namespace feedd::storage
