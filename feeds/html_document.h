// A post's HTML body parsed once, as browsers parse it (an HTML5 fragment in <body>, by
// Debian's gumbo), kept as the few facts the feeds need: its text, the text of its first
// paragraph, and where its URL attribute values lie in the source bytes (for in-place link
// rewriting). Immutable after construction: share it as shared_ptr<const HtmlDocument>
// across threads. Never fails: a body that would take too long to parse (html_parse_bound.h)
// is kept as opaque bytes (unparsed_reason(), no text, no URL values).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/post.h"

namespace feedd::feeds {

// One URL-valued attribute as written: source bytes [offset, offset + length) hold the
// value with its quotes, if any; `value` is its decoded text (character references resolved).
struct UrlAttribute {
  std::size_t offset = 0;
  std::size_t length = 0;
  bool srcset = false;  // a srcset list, not a single URL
  std::string value;
};

class HtmlDocument {
 public:
  // Parses `source` (valid UTF-8, as clean_xml_text returns) and keeps it.
  explicit HtmlDocument(std::string source);

  const std::string& source() const { return source_; }
  // The text: script, style, template, ruby readings (rt/rp), iframe/noembed/noframes
  // content and comments left out; white space (and U+00A0) collapsed to one space;
  // elements other than phrasing ones (a, em, span...) separate words; trimmed.
  const std::string& text() const { return text_; }
  // The text of the first <p> element that has any, else text().
  const std::string& first_paragraph_text() const {
    return first_paragraph_.empty() ? text_ : first_paragraph_;
  }
  // href, src, poster, cite, action, formaction, data, background (and SVG's
  // xlink:href) and srcset values, in source order.
  const std::vector<UrlAttribute>& url_attributes() const { return urls_; }
  // Why the body was not parsed (html_parse_bound.h's parse_refusal); empty: it was.
  std::string_view unparsed_reason() const { return unparsed_reason_; }

 private:
  friend class HtmlDocumentBuilder;

  std::string source_;
  std::string text_;
  std::string first_paragraph_;
  std::vector<UrlAttribute> urls_;
  std::string_view unparsed_reason_;  // a literal
};

// The post's content_html cleaned of XML-forbidden bytes (clean_xml_text), parsed.
std::shared_ptr<const HtmlDocument> parse_content(const storage::Post& post);
// The same for a content_html held apart from its post.
std::shared_ptr<const HtmlDocument> parse_content(std::string_view content_html);

// How many non-empty bodies HtmlDocument has parsed in this process so far (a parse counter
// for tests: what a regeneration parses shows in its difference). Thread-safe.
std::uint64_t html_bodies_parsed();

}  // namespace feedd::feeds
