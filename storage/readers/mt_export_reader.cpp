#include "storage/readers/mt_export_reader.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "common/text.h"
#include "common/utf8.h"
#include "storage/readers/convert_breaks.h"
#include "storage/readers/language.h"
#include "storage/readers/local_time.h"
#include "storage/readers/markdown_reader.h"
#include "storage/readers/mt_entry.h"
#include "storage/readers/reader_limits.h"

namespace feedd::storage {
namespace {

using mt_export::Entry;
using mt_export::is_line;
using mt_export::kEntryEnd;
using mt_export::kSectionEnd;
using mt_export::Lines;
using mt_export::parse_entry;
using mt_export::split_field;

// The first NUL byte or invalid UTF-8 in lines [begin, end): a damaged entry is a problem
// of its own, the file's other entries still parse. Returns the reason (and `error_line`).
std::string damaged_bytes(const Lines& lines, std::size_t begin, std::size_t end, int& error_line) {
  for (std::size_t i = begin; i < end; ++i) {
    error_line = static_cast<int>(i) + 1;
    if (const std::size_t nul = lines[i].find('\0'); nul != std::string_view::npos) {
      return "NUL byte at column " + std::to_string(nul + 1) + ": the entry is damaged";
    }
    if (const std::size_t bad = common::utf8::find_invalid(lines[i]); bad != common::utf8::kValid) {
      return common::utf8::describe_invalid(lines[i], bad) + ": the entry is damaged";
    }
  }
  return {};
}

bool is_markdown(const Entry& entry) {
  return common::text::istarts_with(entry.convert_breaks.value_or("1"), "markdown");
}

// What makes an entry unpublishable once its fields are read; empty when it is good.
std::string entry_bounds(const Entry& entry, int& error_line) {
  if (entry.title && entry.title->size() > limits::kMaxTitleBytes) {
    error_line = entry.title_line;
    return "TITLE is " + std::to_string(entry.title->size()) + " bytes, more than " +
           std::to_string(limits::kMaxTitleBytes);
  }
  if (entry.basename && entry.basename->size() > limits::kMaxKeyBytes) {
    error_line = entry.basename_line;
    return "BASENAME is " + std::to_string(entry.basename->size()) + " bytes, more than " +
           std::to_string(limits::kMaxKeyBytes);
  }
  if (entry.tags.size() > limits::kMaxListItems ||
      entry.categories.size() > limits::kMaxListItems) {
    error_line = entry.first_line;
    return "more than " + std::to_string(limits::kMaxListItems) + " TAGS or CATEGORY values";
  }
  if (is_markdown(entry)) {
    for (const std::string* part : {&entry.body, &entry.extended_body}) {
      if (auto error = markdown_bounds_error(*part)) {
        error_line = entry.first_line;
        return (part == &entry.body ? "BODY: " : "EXTENDED BODY: ") + error->reason;
      }
    }
  }
  return {};
}

std::string entry_html(const Entry& entry, std::string_view part) {
  const std::string mode = entry.convert_breaks.value_or("1");
  if (mode == "1" || mode == "__default__") {
    return convert_breaks(part);
  }
  if (is_markdown(entry)) {
    return markdown_to_html(part);
  }
  return std::string(part);  // "0", "richtext" and others: HTML as written
}

// "YYYYMMDDhhmmss"
std::string compact_date_time(date::local_seconds local) {
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> time{local - day};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%02u%02u%02d%02d%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer;
}

}  // namespace

bool looks_like_mt_export(std::string_view bytes) {
  bytes = common::text::without_byte_order_mark(bytes);
  bool key_field = false;
  int fields = 0;
  std::size_t pos = 0;
  while (pos < bytes.size() && fields < 200) {
    std::size_t end = bytes.find('\n', pos);
    end = end == std::string_view::npos ? bytes.size() : end;
    const std::string_view line = common::text::trim(bytes.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) {
      continue;
    }
    if (line == kSectionEnd || line == kEntryEnd) {
      return key_field;
    }
    std::string_view name;
    std::string_view value;
    if (!split_field(line, name, value)) {
      return false;
    }
    ++fields;
    key_field = key_field || name == "TITLE" || name == "BASENAME" || name == "STATUS";
  }
  return false;
}

namespace {

// One entry's lines: [first, end) without the leading blank lines; the next entry starts at
// `next` (past the "--------" line).
struct EntrySpan {
  std::size_t first = 0;
  std::size_t end = 0;
  std::size_t next = 0;
};

EntrySpan find_entry(const Lines& lines, std::size_t begin) {
  EntrySpan span;
  span.end = begin;
  while (span.end < lines.size() && !is_line(lines[span.end], kEntryEnd)) {
    ++span.end;
  }
  span.first = begin;
  while (span.first < span.end && common::text::is_blank(lines[span.first])) {
    ++span.first;
  }
  span.next = span.end + 1;
  return span;
}

// What the checks of a parsed entry settle: draft or published, and its local date.
struct EntryState {
  bool draft = false;
  date::local_seconds local;
};

// Parses and checks lines `span` into `entry`; on failure returns the problem instead.
std::variant<EntryState, Problem> check_entry(const Lines& lines, const EntrySpan& span,
                                              std::string_view path, Entry& entry) {
  entry.first_line = static_cast<int>(span.first) + 1;
  int error_line = entry.first_line;
  auto problem = [&](int line, std::string reason) {
    return Problem{std::string(path), line, std::move(reason)};
  };
  std::string error = damaged_bytes(lines, span.first, span.end, error_line);
  if (error.empty()) {
    error = parse_entry(lines, span.first, span.end, entry, error_line);
  }
  if (error.empty()) {
    error = entry_bounds(entry, error_line);
  }
  if (!error.empty()) {
    return problem(error_line, std::move(error));
  }
  if (!entry.title || common::text::trim(*entry.title).empty()) {
    return problem(entry.first_line, "entry has no TITLE");
  }
  if (!entry.status) {
    return problem(entry.first_line, "entry has no STATUS (Publish or Draft)");
  }
  const bool publish = common::text::iequals(*entry.status, "Publish");
  const bool draft = !publish && (common::text::iequals(*entry.status, "Draft") ||
                                  common::text::iequals(*entry.status, "Future") ||
                                  common::text::iequals(*entry.status, "Review") ||
                                  common::text::iequals(*entry.status, "Unpublish"));
  if (!publish && !draft) {
    return problem(entry.first_line, "unknown STATUS \"" + *entry.status + "\" (Publish or Draft)");
  }
  if (!entry.date) {
    return problem(entry.first_line, "entry has no DATE");
  }
  const auto local = parse_mt_date(*entry.date);
  if (!local) {
    return problem(entry.date_line,
                   "DATE is \"" + *entry.date + "\": expected MM/DD/YYYY hh:mm:ss AM or PM");
  }
  return EntryState{draft, *local};
}

// A checked entry as a post, keyed by its BASENAME or "mt-<file stem>-<date>".
Post entry_to_post(const Entry& entry, const EntryState& state, const std::string& stem,
                   const ReaderOptions& options) {
  Post post;
  post.title = std::string(common::text::trim(*entry.title));
  post.published = local_to_sys(options.timezone, state.local);
  post.local_date = format_local_date(options.timezone, post.published);
  post.draft = state.draft;
  post.author = entry.author;
  post.tags = entry.tags;
  if (!entry.primary_category.empty()) {
    post.categories.push_back(entry.primary_category);
  }
  for (const std::string& c : entry.categories) {
    if (std::find(post.categories.begin(), post.categories.end(), c) == post.categories.end()) {
      post.categories.push_back(c);
    }
  }
  post.summary = entry.excerpt;
  post.content_html = entry_html(entry, entry.body);
  if (!entry.extended_body.empty()) {
    post.content_html += '\n';
    post.content_html += entry_html(entry, entry.extended_body);
  }
  const std::string basename = std::string(common::text::trim(entry.basename.value_or("")));
  if (!basename.empty()) {
    post.key = basename;
    std::replace(post.key.begin(), post.key.end(), '/', '-');
    post.slug = basename.substr(basename.rfind('/') + 1);
  } else {
    post.key = "mt-" + stem + "-" + compact_date_time(state.local);
  }
  return post;
}

// Keys unique within one file: a repeated key gets "-2", "-3", ... in file order; `repeats_`
// keeps this linear.
class UniqueKeys {
 public:
  std::string claim(std::string key) {
    if (keys_.insert(key).second) {
      return key;
    }
    int& n = repeats_[key];
    std::string unique;
    do {
      unique = key + "-" + std::to_string(++n + 1);
    } while (!keys_.insert(unique).second);
    return unique;
  }

 private:
  std::set<std::string> keys_;
  std::map<std::string, int> repeats_;
};

}  // namespace

ReadResult read_mt_export(std::string_view path, std::string_view bytes,
                          const ReaderOptions& options) {
  ReadResult result;
  const Lines lines = common::text::split_lines(common::text::without_byte_order_mark(bytes));
  const std::string stem(common::text::path_stem(path));
  UniqueKeys keys;
  int index = 0;
  for (std::size_t begin = 0; begin < lines.size();) {
    const EntrySpan span = find_entry(lines, begin);
    begin = span.next;
    if (span.first == span.end) {  // nothing but blank lines
      continue;
    }
    const int position = index++;
    Entry entry;
    auto checked = check_entry(lines, span, path, entry);
    if (auto* problem = std::get_if<Problem>(&checked)) {
      result.problems.push_back(std::move(*problem));
      continue;
    }
    Post post = entry_to_post(entry, std::get<EntryState>(checked), stem, options);
    post.key = keys.claim(std::move(post.key));
    post.source_path = std::string(path);
    post.source_line = entry.first_line;
    post.position = position;
    post.format = SourceFormat::mt_export;
    assign_language(post, options);
    result.posts.push_back(std::move(post));
  }
  return result;
}

}  // namespace feedd::storage
