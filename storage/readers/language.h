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

// Sets post.lang and strips a marker from post.title, in the SPEC's order. A front-matter
// `lang` already in post.lang is kept (reduced to its primary subtag, "en-US" -> "en", when
// only that is configured); a marker is stripped from the title even then.
void assign_language(Post& post, const ReaderOptions& options);

}  // namespace feedd::storage
