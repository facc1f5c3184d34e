// Makes the links of an HTML fragment absolute, so feed readers (which show content far
// from the post's page) never show broken images or links. Pure functions; thread-safe;
// never throw: a base or reference that cannot be parsed leaves the value as written.
#pragma once

#include <string>
#include <string_view>

namespace feedd::feeds {

// `reference` resolved against the absolute URL `base` (RFC 3986 §5, via Boost.URL).
// References that already have a scheme (https:, mailto:, data:...) come back unchanged
// unless they need percent-encoding (spaces, non-ASCII bytes and the like are encoded
// first); "#frag" becomes base#frag.
std::string resolve_url(std::string_view base, std::string_view reference);

// `html` with the values of href, src, poster, cite, action and every URL of srcset
// resolved against `base`. Everything else (including comments and attributes that were
// already absolute) is copied byte for byte; rewritten values are written double-quoted.
std::string absolutize_links(std::string_view html, std::string_view base);

}  // namespace feedd::feeds
