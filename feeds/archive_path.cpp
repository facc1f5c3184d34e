#include "feeds/archive_path.h"

namespace feedd::feeds {

std::optional<ArchivePath> parse_archive_path(std::string_view path) {
  constexpr std::string_view kDir = "archive/";
  constexpr std::string_view kSuffix = ".xml";
  if (!path.starts_with('/') || !path.ends_with(kSuffix)) {
    return std::nullopt;
  }
  path.remove_prefix(1);
  path.remove_suffix(kSuffix.size());
  ArchivePath parsed;
  if (!path.starts_with(kDir)) {
    const std::size_t slash = path.find('/');
    if (slash == 0 || slash == std::string_view::npos ||
        path.substr(slash + 1, kDir.size()) != kDir) {
      return std::nullopt;
    }
    parsed.lang = path.substr(0, slash);
    path.remove_prefix(slash + 1);
  }
  const std::string_view digits = path.substr(kDir.size());
  if (digits.empty() || digits.size() > 9 || digits.front() == '0') {
    return std::nullopt;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    parsed.page = parsed.page * 10 + static_cast<std::size_t>(c - '0');
  }
  return parsed;
}

}  // namespace feedd::feeds
