// The bounds every post reader enforces, so that huge, deeply nested or pathological input
// is a reported problem found quickly (work linear in a bounded input), never a hang, a
// stack overflow or a feed of 100,000 tags. Counted limits, not timers. The file size bound
// is configurable (ReaderOptions::max_file_bytes); these are fixed. Thread-safe constants.
#pragma once

#include <cstddef>

namespace feedd::storage::limits {

// Default of store.max_file_bytes: a larger file is a problem and is not read.
inline constexpr std::size_t kDefaultMaxFileBytes = 16 * 1024 * 1024;
// Front matter between its fences (32 KiB is well under a millisecond for libyaml or toml++).
inline constexpr std::size_t kMaxFrontMatterBytes = 32 * 1024;
// Nesting of YAML/TOML collections and dotted keys (toml++ recurses per level).
inline constexpr int kMaxFrontMatterDepth = 32;
// Items of one list (tags, categories), and top-level keys of one front matter.
inline constexpr std::size_t kMaxListItems = 1000;
// Markdown given to md4c (a file's body, an export entry's part): md4c costs up to ~0.2 µs
// of CPU per byte of adversarial input.
inline constexpr std::size_t kMaxMarkdownBytes = 4 * 1024 * 1024;
// md4c 0.4.8 is quadratic within one block (text between blank lines) in the number of
// bare-URL autolinks ("://", "www.") and of lines starting with '[' (reference definition
// candidates): a block may hold at most this many (candidates x block bytes), ~60 ms.
inline constexpr std::size_t kMaxMarkdownBlockWork = 100'000'000;
// Container marks (">" and list markers) opening one Markdown line.
inline constexpr int kMaxMarkdownNesting = 32;
// A post's title and key (front matter id, BASENAME, file stem), in bytes.
inline constexpr std::size_t kMaxTitleBytes = 4096;
inline constexpr std::size_t kMaxKeyBytes = 512;

}  // namespace feedd::storage::limits
