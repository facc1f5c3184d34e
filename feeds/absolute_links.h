// Makes the links of an HTML fragment absolute, so feed readers (which show content far
// from the post's page) never show broken images or links. Pure functions; thread-safe;
// never throw: a base or reference that cannot be parsed leaves the value as written.
#pragma once

#include <string>
#include <string_view>

namespace feedd::feeds {

class HtmlDocument;

// `reference` resolved against the absolute URL `base` (RFC 3986 §5, via Boost.URL).
// References that already have a scheme (https:, mailto:, data:...) come back unchanged
// unless they need percent-encoding (spaces, non-ASCII bytes and the like are encoded
// first); "#frag" becomes base#frag.
std::string resolve_url(std::string_view base, std::string_view reference);

// The document's source with its URL attributes (HtmlDocument::url_attributes: href, src,
// poster, cite, action, formaction, data, background, SVG's xlink:href and every URL of srcset)
// resolved against `base`. Only the values that change are spliced in, double-quoted, at the
// parser's source offsets; every other byte (comments, script text, values already absolute) is
// copied.
std::string absolutize_links(const HtmlDocument& document, std::string_view base);
// The same for an HTML fragment not parsed yet.
std::string absolutize_links(std::string_view html, std::string_view base);

}  // namespace feedd::feeds
