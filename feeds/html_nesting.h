// A bound on the time an HTML5 tree builder needs for a body, checked before parsing.
// The tree builder looks through the stack of open elements for most tags, so deep
// nesting costs depth x tags: 40,000 unclosed <div>s (200 KB) take gumbo seconds, a
// store's 16 MiB limit of them hours. Browsers cap the depth; gumbo cannot, so feedd
// refuses such bodies. Pure functions; thread-safe; linear time; never throw.
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

inline bool nesting_within_bounds(std::string_view html) {
  return nesting_work(html) <= kMaxNestingWork;
}

}  // namespace feedd::feeds
