// Plain text out of HTML fragments, for summaries and attribute values. A forgiving
// scanner, not a parser: it never fails, and unknown entities are kept as written.
// Pure functions; thread-safe; never throw.
#pragma once

#include <string>
#include <string_view>

namespace feedd::feeds {

// Decodes character references: numeric (&#38; &#x26;) and the common named ones
// (amp lt gt quot apos nbsp and typographic punctuation). Invalid numbers are dropped.
std::string decode_entities(std::string_view text);

// The text of an HTML fragment: tags removed (script, style, comments and ruby readings
// <rt>/<rp> with their content), entities decoded, white space (and no-break spaces)
// collapsed to one space, trimmed. Tags other than inline ones (a, em, span...) count as a
// space.
std::string html_to_text(std::string_view html);

// The text of the first <p> element that has any, else of the whole fragment.
std::string first_paragraph_text(std::string_view html);

}  // namespace feedd::feeds
