// Which RFC 5005 archive page a request path names: "/archive/N.xml" (all languages) or
// "/L/archive/N.xml", N a positive decimal number without leading zeros (one spelling per
// page). Pure; thread-safe; allocation-free; never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace feedd::feeds {

struct ArchivePath {
  std::string_view lang;  // "" for all languages; a view into the parsed path
  std::size_t page = 0;   // >= 1
};

// nullopt when `path` (a request path: no query, leading '/') has not that shape.
std::optional<ArchivePath> parse_archive_path(std::string_view path);

}  // namespace feedd::feeds
