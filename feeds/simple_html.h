// A fast path for HtmlDocument. Parsing a body with gumbo was a third of a cold build's CPU
// (100,000 Markdown posts: 8 of 26.6 s). The Markdown converter's output is simple HTML: a few
// known elements, each closed explicitly where the content model needs nothing implied,
// double-quoted attributes, only &amp; &lt; &gt; &quot; &#39; as character references. For
// such HTML an HTML5 parser builds exactly the tree the tags spell, so a plain scan finds
// the same text and URL values. read_simple_html() accepts only HTML it can prove simple by
// those rules (html_document_fuzz checks it against gumbo on every input it accepts).
#pragma once

#include <string_view>

#include "feeds/html_facts.h"

namespace feedd::feeds {

// Feeds `facts` the walk of `source` (valid UTF-8 without XML-forbidden characters, as
// clean_xml_text returns) and returns true when it is simple HTML; false as soon as it is
// not (`facts` then holds a partial walk: discard it and parse with gumbo).
bool read_simple_html(std::string_view source, HtmlFacts& facts);

}  // namespace feedd::feeds
