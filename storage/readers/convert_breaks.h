// The Movable Type "Convert Breaks" text filter (CONVERT BREAKS: 1 in an export), which MT
// applies to an entry's text when it publishes it. Pure function; thread-safe; never throws
// for any input (except bad_alloc).
#pragma once

#include <string>
#include <string_view>

namespace feedd::storage {

// Blank-line separated paragraphs that do not start with a block-level tag become
// <p>…</p>, with <br> for single line breaks; the rest is kept as written.
std::string convert_breaks(std::string_view html);

}  // namespace feedd::storage
