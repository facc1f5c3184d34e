// The facts HtmlDocument keeps (its text, first paragraph text and URL attribute values),
// built from one walk over a body's elements in document order: the rules of html_document.h
// in one place, for both readers of a body (gumbo's tree, and the plain scan of simple HTML in
// simple_html.h). Internal to feeds/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/html_document.h"

namespace feedd::feeds {

class HtmlFacts {
 public:
  // An element starts at `depth` (its parent's + 1): `phrasing` does not separate words (a,
  // em, span...), `hidden` content is no text (script, style, rt...), `paragraph` is an HTML
  // <p>.
  void enter(bool phrasing, bool hidden, bool paragraph, std::size_t depth);
  // The element entered at `depth` ends.
  void leave(bool phrasing, bool hidden, std::size_t depth);
  // Text content (character references resolved).
  void text(std::string_view text);
  // A URL-valued attribute of the element just entered.
  void url(UrlAttribute attribute) { urls.push_back(std::move(attribute)); }
  // After the walk: trims the text; URL values in source order, each once.
  void finish();

  std::string text_out;
  std::string first_paragraph;
  std::vector<UrlAttribute> urls;

 private:
  void separate();
  void append_collapsed(std::string_view text);

  int hidden_ = 0;
  std::size_t paragraph_depth_ = 0;  // 0: no first paragraph open
  std::size_t paragraph_start_ = 0;
};

// Whether an attribute of no namespace holds one URL (href, src, poster, cite, action,
// formaction, data, background); srcset holds a list of them.
bool holds_one_url(std::string_view attribute);

// The walk of `source` as gumbo parses it (an HTML5 fragment in <body>), whatever it holds
// (html_document.cpp; the nesting bound is the caller's).
void read_with_gumbo(std::string_view source, HtmlFacts& facts);

}  // namespace feedd::feeds
