#include "storage/readers/mt_entry.h"

#include <algorithm>

#include "common/text.h"

namespace feedd::storage::mt_export {
namespace {

// TAGS: "Movable Type",foo,bar
std::vector<std::string> split_tags(std::string_view value) {
  std::vector<std::string> tags;
  std::string current;
  bool quoted = false;
  for (char c : value) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      tags.emplace_back(common::text::trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  tags.emplace_back(common::text::trim(current));
  std::erase_if(tags, [](const std::string& t) { return t.empty(); });
  return tags;
}

std::string join_section(const Lines& lines) {
  std::size_t begin = 0;
  std::size_t end = lines.size();
  while (begin < end && common::text::is_blank(lines[begin])) {
    ++begin;
  }
  while (end > begin && common::text::is_blank(lines[end - 1])) {
    --end;
  }
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) {
      out += '\n';
    }
    out += lines[i];
  }
  return out;
}

// One "FIELD: value" line of the entry header into `entry` (unknown fields are ignored).
void take_field(std::string_view name, std::string_view value, int line, Entry& entry) {
  if (name == "TITLE") {
    entry.title = std::string(value);
    entry.title_line = line;
  } else if (name == "BASENAME") {
    entry.basename = std::string(value);
    entry.basename_line = line;
  } else if (name == "STATUS") {
    entry.status = std::string(value);
  } else if (name == "DATE") {
    entry.date = std::string(value);
    entry.date_line = line;
  } else if (name == "AUTHOR") {
    entry.author = std::string(value);
  } else if (name == "CATEGORY" && !value.empty()) {
    entry.categories.emplace_back(value);
  } else if (name == "PRIMARY CATEGORY") {
    entry.primary_category = std::string(value);
  } else if (name == "TAGS") {
    entry.tags = split_tags(value);
  } else if (name == "CONVERT BREAKS") {
    entry.convert_breaks = std::string(value);
  }
}

// Sections from line `i` (a "-----" line) to `end`: "NAME:" then text up to the next "-----".
// Returns an error reason (and sets `error_line`).
std::string parse_sections(const Lines& lines, std::size_t i, std::size_t end, Entry& entry,
                           int& error_line) {
  while (i < end) {
    ++i;  // past "-----"
    while (i < end && common::text::is_blank(lines[i])) {
      ++i;
    }
    if (i == end) {
      break;
    }
    std::string_view name;
    std::string_view inline_text;
    if (!split_field(lines[i], name, inline_text)) {
      error_line = static_cast<int>(i) + 1;
      return "expected a section name (BODY:, EXTENDED BODY:, EXCERPT:, ...) after '-----'";
    }
    Lines section;
    if (!inline_text.empty()) {
      section.push_back(inline_text);
    }
    for (++i; i < end && !is_line(lines[i], kSectionEnd); ++i) {
      section.push_back(lines[i]);
    }
    if (name == "BODY") {
      entry.body = join_section(section);
    } else if (name == "EXTENDED BODY") {
      entry.extended_body = join_section(section);
    } else if (name == "EXCERPT") {
      entry.excerpt = join_section(section);
    }
  }
  return {};
}

}  // namespace

bool is_line(std::string_view line, std::string_view what) {
  return common::text::trim(line) == what;
}

bool split_field(std::string_view line, std::string_view& name, std::string_view& value) {
  const std::size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos || line[0] == ' ') {
    return false;
  }
  for (std::size_t i = 0; i < colon; ++i) {
    if (!((line[i] >= 'A' && line[i] <= 'Z') || line[i] == ' ')) {
      return false;
    }
  }
  if (colon + 1 < line.size() && line[colon + 1] != ' ') {
    return false;
  }
  name = line.substr(0, colon);
  value = common::text::trim(line.substr(colon + 1));
  return true;
}

std::string parse_entry(const Lines& lines, std::size_t begin, std::size_t end, Entry& entry,
                        int& error_line) {
  std::size_t i = begin;
  for (; i < end && !is_line(lines[i], kSectionEnd); ++i) {
    if (common::text::is_blank(lines[i])) {
      continue;
    }
    std::string_view name;
    std::string_view value;
    if (!split_field(lines[i], name, value)) {
      error_line = static_cast<int>(i) + 1;
      return "expected a 'FIELD: value' line in the entry header";
    }
    take_field(name, value, static_cast<int>(i) + 1, entry);
  }
  return parse_sections(lines, i, end, entry, error_line);
}

}  // namespace feedd::storage::mt_export
