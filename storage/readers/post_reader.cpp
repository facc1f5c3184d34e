#include "storage/readers/post_reader.h"

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/text.h"
#include "common/utf8.h"
#include "storage/readers/markdown_reader.h"
#include "storage/readers/mt_entry.h"
#include "storage/readers/mt_export_reader.h"
#include "storage/readers/page_text_reader.h"
#include "storage/readers/text_encoding.h"

namespace feedd::storage {
namespace {

ReadResult one_problem(std::string_view path, int line, std::string reason) {
  ReadResult result;
  result.problems.push_back(Problem{std::string(path), line, std::move(reason)});
  return result;
}

std::string_view extension_of(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? std::string_view{} : name.substr(dot);
}

}  // namespace

std::string too_large(std::uint64_t size, std::uint64_t max_file_bytes) {
  return "file is " + std::to_string(size) + " bytes, more than store.max_file_bytes (" +
         std::to_string(max_file_bytes) + "): not read";
}

namespace {

// An export's bytes cut after each entry's end line (see text_encoding.h).
std::vector<std::string_view> export_entries(std::string_view bytes) {
  std::vector<std::string_view> entries;
  std::size_t start = 0;
  for (std::size_t pos = 0; pos < bytes.size();) {
    const std::size_t newline = bytes.find('\n', pos);
    const std::size_t end = newline == std::string_view::npos ? bytes.size() : newline + 1;
    if (mt_export::is_line(bytes.substr(pos, end - pos), mt_export::kEntryEnd)) {
      entries.push_back(bytes.substr(start, end - start));
      start = end;
    }
    pos = end;
  }
  if (start < bytes.size()) {
    entries.push_back(bytes.substr(start));
  }
  return entries;
}

ReadResult read_text(std::string_view path, std::string_view bytes, const ReaderOptions& options,
                     bool may_decode);

// The file read as `decoded`'s text, or the problem of a text too large once decoded; nullopt
// when it was not decoded.
std::optional<ReadResult> read_decoded(std::string_view path,
                                       const std::optional<DecodedText>& decoded,
                                       const ReaderOptions& options) {
  if (!decoded) {
    return std::nullopt;
  }
  if (decoded->too_large) {
    return one_problem(path, 0,
                       "more than store.max_file_bytes (" + std::to_string(options.max_file_bytes) +
                           ") once read as UTF-8 from " +
                           std::string(encoding_name(decoded->from)) + ": not read");
  }
  return read_text(path, decoded->utf8, options, false);
}

// The file as text. `may_decode` while it has not been decoded from another encoding yet: a
// file with a UTF-16 mark, one that fails the UTF-8 check, one with an ESC byte (ISO-2022-JP)
// and every export are first asked whether they are text in another encoding (see
// text_encoding.h), and that text is read if so.
ReadResult read_text(std::string_view path, std::string_view bytes, const ReaderOptions& options,
                     bool may_decode) {
  const std::size_t max = options.max_file_bytes;
  // An export checks its bytes entry by entry: one damaged entry is one problem, so it is
  // decoded entry by entry too. The sniffer and the export reader each skip one byte order mark
  // themselves; stripping one here too would let a file of two marks (the second is a U+FEFF
  // character, not a mark) pass as an export here yet not when sniffed on its own.
  if (looks_like_mt_export(bytes)) {
    const std::string_view text = common::text::without_byte_order_mark(bytes);
    if (may_decode && may_be_legacy_text(text)) {  // a UTF-8 export is not cut into entries
      const auto entries = export_entries(text);
      if (auto read = read_decoded(path, decode_legacy_export(entries, max), options)) {
        return std::move(*read);
      }
    }
    return read_mt_export(path, bytes, options);
  }
  if (may_decode && has_utf16_mark(bytes)) {  // UTF-16, which an export may be too
    if (auto read = read_decoded(path, decode_legacy_text(bytes, max), options)) {
      return std::move(*read);
    }
  }
  bytes = common::text::without_byte_order_mark(bytes);
  if (const std::size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
    return one_problem(path, common::text::line_of_offset(bytes, nul),
                       "binary file (a NUL byte at column " +
                           std::to_string(common::text::column_of_offset(bytes, nul)) + ")");
  }
  const std::size_t bad = common::utf8::find_invalid(bytes);
  if (may_decode && (bad != common::utf8::kValid || bytes.find('\x1B') != std::string_view::npos)) {
    if (auto read = read_decoded(path, decode_legacy_text(bytes, max), options)) {
      return std::move(*read);
    }
  }
  if (bad != common::utf8::kValid) {
    return one_problem(path, common::text::line_of_offset(bytes, bad),
                       common::utf8::describe_invalid(bytes, bad));
  }
  if (common::text::is_blank(bytes)) {
    return one_problem(path, 0, "empty file");
  }
  const std::string_view first_line = common::text::trim(bytes.substr(0, bytes.find('\n')));
  if (first_line == "---" || first_line == "+++") {
    return read_markdown(path, bytes, options);
  }
  const std::string_view ext = extension_of(path.substr(path.rfind('/') + 1));
  if (common::text::iequals(ext, ".md") || common::text::iequals(ext, ".markdown")) {
    return one_problem(path, 1,
                       "Markdown post without front matter: start it with a '---' (YAML) or "
                       "'+++' (TOML) line, then title and date");
  }
  return read_page_text(path, bytes, options);
}

}  // namespace

ReadResult read_post_file(std::string_view path, std::string_view bytes,
                          const ReaderOptions& options) {
  if (bytes.size() > options.max_file_bytes) {
    return one_problem(path, 0, too_large(bytes.size(), options.max_file_bytes));
  }
  return read_text(path, bytes, options, true);
}

bool is_ignored_file_name(std::string_view file_name) {
  const std::size_t slash = file_name.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  if (name.empty() || name.starts_with('.') || name.ends_with('~') ||
      (name.starts_with('#') && name.ends_with('#'))) {
    return true;
  }
  const std::string_view ext = extension_of(name);
  static constexpr std::array<std::string_view, 4> kPostExtensions = {".txt", ".md", ".markdown",
                                                                      ".mt"};
  for (std::string_view allowed : kPostExtensions) {
    if (common::text::iequals(ext, allowed)) {
      return false;
    }
  }
  return true;  // includes .swp, .swx, .bak and files without an extension
}

}  // namespace feedd::storage
