// One entry of a Movable Type export (SPEC format 3) as text: the header fields and the
// BODY / EXTENDED BODY / EXCERPT sections, before any of it is checked or converted (that is
// mt_export_reader's work). Pure functions; thread-safe; never throw (except bad_alloc).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::storage::mt_export {

using Lines = std::vector<std::string_view>;

inline constexpr std::string_view kEntryEnd = "--------";
inline constexpr std::string_view kSectionEnd = "-----";

// The fields feedd uses, as written; the *_line members (1-based) place problems.
struct Entry {
  int first_line = 0;
  int date_line = 0;
  int title_line = 0;
  int basename_line = 0;
  std::optional<std::string> title, basename, status, date, convert_breaks;
  std::string author, primary_category, body, extended_body, excerpt;
  std::vector<std::string> categories, tags;
};

// Whether `line`, trimmed, is `what` (a separator line).
bool is_line(std::string_view line, std::string_view what);

// "NAME: value" or "NAME:" with NAME of upper-case letters and spaces.
bool split_field(std::string_view line, std::string_view& name, std::string_view& value);

// Parses lines [begin, end) of one entry into `entry` (unknown fields are ignored); returns
// an error reason (and sets `error_line`, 1-based), empty when the entry's shape is good.
std::string parse_entry(const Lines& lines, std::size_t begin, std::size_t end, Entry& entry,
                        int& error_line);

}  // namespace feedd::storage::mt_export
