// Bounds on the time an HTML5 parser needs for a body, checked before parsing, in linear
// time. gumbo has two quadratic costs and no limit on either:
//  - the tree builder looks through the stack of open elements for most tags, so deep
//    nesting costs depth x tags: 40,000 unclosed <div>s (200 KB) take gumbo seconds, a
//    store's 16 MiB limit of them hours (browsers cap the depth);
//  - the tokenizer checks each attribute of a tag against the tag's earlier ones, so one
//    tag with 100,000 attributes (1 MB) takes 17 s.
// feedd refuses such bodies. Pure functions; thread-safe; never throw.
#pragma once

#include <cstddef>
#include <string_view>

namespace feedd::feeds {

// Nesting up to this depth costs nothing extra (real posts stay far below it).
inline constexpr std::size_t kFreeNestingDepth = 64;
// The most nesting work a body may take: 0.05 to 0.1 s of gumbo's time.
inline constexpr std::size_t kMaxNestingWork = 10'000'000;

// Over every start tag, the sum of (estimated open elements - kFreeNestingDepth), where
// the estimate never counts fewer open elements than the tree builder holds: a start tag
// opens an element unless void, an end tag closes only the innermost open element of its
// name and only across phrasing elements the tree builder would close with it, and the
// formatting elements so closed still count (the tree builder reopens them) until their
// own end tag. Counting stops once past kMaxNestingWork.
std::size_t nesting_work(std::string_view html);

// A tag with up to this many attributes costs nothing extra (real tags have a handful).
inline constexpr std::size_t kFreeAttributes = 64;
// The most attribute comparisons a body may take: about 0.05 s of gumbo's time.
inline constexpr std::size_t kMaxAttributeWork = 10'000'000;

// Over every tag with more than kFreeAttributes attributes, n(n-1)/2 for its n attributes,
// read as the tokenizer reads tags: quoted values may hold '>' and '<'; comments and the
// text of raw-text elements (script, style, textarea, title...) hold no tags. Whether an
// element's text is raw depends on where it is (inside <svg> or <math> it is not, inside
// <select> such elements are dropped but their tags still read), so after the first <svg,
// <math or <select, raw text is read for tags too: counting more, never less. Linear time;
// counting stops once past kMaxAttributeWork.
std::size_t attribute_work(std::string_view html);

// Why parsing `html` would take too long: "nested too deeply" or "with too many attributes
// on one tag"; empty when it is within both bounds.
std::string_view parse_refusal(std::string_view html);

}  // namespace feedd::feeds
