// Cheap pre-checks of front matter before libyaml or toml++ sees it: its size, and an upper
// estimate of its nesting (toml++ recurses once per level; the YAML reader counts levels on
// libyaml's events too, the estimate keeps the two formats' errors alike).
// One linear pass, no allocation beyond a small stack. Pure functions; thread-safe; never
// throw. Limits: storage/readers/reader_limits.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedd::storage {

struct BoundsError {
  int line = 0;  // 1-based line of `text` where the bound was passed (0: the whole text)
  std::string reason;
};

// Nesting counts flow brackets ([ {) outside quotes and comments, plus block levels (one
// per deeper indentation, one per "- " or "? " entry opening a line); block scalars (| >)
// are skipped. An estimate that errs high only on odd text (32 unclosed brackets).
std::optional<BoundsError> yaml_bounds_error(std::string_view text);

// Nesting counts brackets ([ {) outside strings and comments, plus the dots of a dotted key.
std::optional<BoundsError> toml_bounds_error(std::string_view text);

}  // namespace feedd::storage
