// Deciding a post's language: front matter `lang` wins, then a title marker, then the script
// of the title and text, then site.default_language (SPEC "The post store"). Pure functions;
// thread-safe; never throw (except bad_alloc). Input must be valid UTF-8.
#pragma once

#include <string>
#include <string_view>

#include "storage/post.h"
#include "storage/readers/reader_options.h"

namespace feedd::storage {

// Removes a leading language marker from `title`: the longest configured marker that
// matches (ASCII case-insensitive), then the whitespace after it. Returns the marker's
// language, or "" when the title starts with no marker (the title is left as it was).
std::string strip_language_marker(std::string& title, const ReaderOptions& options);

// The language the script of `text` suggests, or "" when it does not decide. Letters are
// counted in the first few thousand code points, skipping HTML tags and entities: kana and
// kanji weigh 3 each (one carries about a short word), Latin letters 1. Japanese wins ->
// "ja" if "ja" is configured; Latin wins -> the first configured language that is not "ja".
std::string language_of_script(std::string_view text, const ReaderOptions& options);

// The configured language that front matter `lang` names, by RFC 4647 §3.4 "lookup": the
// tag, ASCII case-insensitive and with '_' read as '-', then the tag with its last subtag
// dropped (and any single-character subtag that would then end it, "en-a-foo" -> "en"), and
// so on. "EN_us" -> "en"; "en-GB-oed" -> "en-GB" when both "en" and "en-GB" are configured.
// Returns the language as configured (a view into options.languages), or "" when none
// matches ("x-foo", "de", "").
std::string_view lookup_language(std::string_view tag, const ReaderOptions& options);

// Sets post.lang and strips a marker from post.title, in the SPEC's order. A front-matter
// `lang` already in post.lang wins: it becomes lookup_language() of it, or stays exactly as
// written when no configured language matches (in no language's feeds); a marker is stripped
// from the title even then.
void assign_language(Post& post, const ReaderOptions& options);

}  // namespace feedd::storage
