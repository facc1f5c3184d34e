#include "daemon/http/topic_path.h"

#include <array>

#include "common/encoding.h"

namespace feedd::daemon {
namespace {

std::optional<feeds::FeedFormat> format_of(std::string_view file) {
  for (auto format : {feeds::FeedFormat::atom, feeds::FeedFormat::rss, feeds::FeedFormat::json}) {
    if (file == feeds::feed_path("", format)) {
      return format;
    }
  }
  return std::nullopt;
}

std::optional<feeds::TopicKind> topic_kind_of(std::string_view dir) {
  for (auto kind : {feeds::TopicKind::tag, feeds::TopicKind::category}) {
    if (dir == feeds::topic_kind_dir(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<TopicPath> parse_topic_path(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return std::nullopt;
  }
  // At most 5 segments are looked at (more: not a topic path). A fixed array, not a vector:
  // every request's path is tried here, a 304 included, and that path allocates nothing.
  std::array<std::string_view, 5> parts;
  std::size_t count = 0;
  for (std::size_t start = 1;;) {
    const std::size_t slash = path.find('/', start);
    parts[count++] = path.substr(start, slash - start);
    if (slash == std::string_view::npos || count == parts.size()) {
      break;
    }
    start = slash + 1;
  }
  if (count != 3 && count != 4) {
    return std::nullopt;
  }
  const std::size_t first = count - 3;  // 1 when a language comes first
  const auto kind = topic_kind_of(parts[first]);
  const auto format = format_of(parts[first + 2]);
  auto segment = common::percent_decode(parts[first + 1]);
  if (!kind || !format || !segment || segment->empty() || (first == 1 && parts[0].empty())) {
    return std::nullopt;
  }
  return TopicPath{first == 1 ? std::string(parts[0]) : std::string(), *kind, std::move(*segment),
                   *format};
}

}  // namespace feedd::daemon
