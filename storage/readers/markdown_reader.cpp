#include "storage/readers/markdown_reader.h"

#include <md4c-html.h>

#include <array>
#include <optional>

#include "common/text.h"
#include "common/utf8.h"
#include "storage/readers/front_matter.h"
#include "storage/readers/language.h"
#include "storage/readers/local_time.h"
#include "storage/readers/reader_limits.h"

namespace feedd::storage {
namespace {

// What HTML5 makes of a numeric character reference to U+0080-U+009F: the Windows-1252
// character of that byte (blogs of the Movable Type era wrote "&#150;" for an en dash), or
// the C1 control itself for the five bytes Windows-1252 leaves undefined (0 here).
constexpr std::array<char16_t, 32> kWindows1252C1 = {
    u'\u20AC', 0,         u'\u201A', u'\u0192', u'\u201E', u'\u2026', u'\u2020', u'\u2021',
    u'\u02C6', u'\u2030', u'\u0160', u'\u2039', u'\u0152', 0,         u'\u017D', 0,
    0,         u'\u2018', u'\u2019', u'\u201C', u'\u201D', u'\u2022', u'\u2013', u'\u2014',
    u'\u02DC', u'\u2122', u'\u0161', u'\u203A', u'\u0153', 0,         u'\u017E', u'\u0178'};

struct Output {
  std::string html;
  bool map_c1 = false;  // the source holds no C1 control of its own (has_c1_control)
};

// Whether the UTF-8 sequence at `at` in `text` is a C1 control (U+0080-U+009F: C2 80-C2 9F).
bool is_c1_control_at(std::string_view text, std::size_t at) {
  return at + 1 < text.size() && static_cast<unsigned char>(text[at]) == 0xC2 &&
         static_cast<unsigned char>(text[at + 1]) <= 0x9F;  // a continuation byte: >= 0x80
}

// Whether `text` holds a C1 control as a character, not as a reference.
bool has_c1_control(std::string_view text) {
  for (std::size_t at = text.find('\xC2'); at != std::string_view::npos;
       at = text.find('\xC2', at + 1)) {
    if (is_c1_control_at(text, at)) {
      return true;
    }
  }
  return false;
}

// md4c's renderer decodes a numeric reference as Unicode says (&#150; is U+0096, a control
// character feed validators and readers show as nothing), and writes each decoded reference
// as an output chunk of its own. When the source holds no C1 control as a character (which
// HTML5 keeps as written, and md4c may also write as a chunk of its own), a chunk that is
// exactly one C1 control is therefore such a reference: it gets HTML5's character instead.
void append_output(const MD_CHAR* data, MD_SIZE size, void* userdata) {
  auto& out = *static_cast<Output*>(userdata);
  const std::string_view chunk(data, size);
  if (out.map_c1 && size == 2 && is_c1_control_at(chunk, 0)) {
    const char16_t replacement = kWindows1252C1[static_cast<unsigned char>(chunk[1]) - 0x80];
    if (replacement != 0) {
      common::utf8::append(out.html, replacement);
      return;
    }
  }
  out.html.append(chunk);
}

struct Split {
  std::string_view front;  // between the fences
  std::string_view body;   // after the closing fence
  bool yaml = true;
  bool closed = false;
};

// Finds the closing fence: the same line as the opening one ("..." also ends YAML).
Split split_front_matter(std::string_view bytes) {
  Split split;
  std::size_t pos = bytes.find('\n');
  const std::string_view fence = common::text::trim(bytes.substr(0, pos));
  split.yaml = fence == "---";
  pos = pos == std::string_view::npos ? bytes.size() : pos + 1;
  const std::size_t front_start = pos;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    const std::size_t next = end == std::string_view::npos ? bytes.size() : end + 1;
    end = end == std::string_view::npos ? bytes.size() : end;
    const std::string_view line = common::text::trim(bytes.substr(pos, end - pos));
    if (line == fence || (split.yaml && line == "...")) {
      split.front = bytes.substr(front_start, pos - front_start);
      split.body = bytes.substr(next);
      split.closed = true;
      return split;
    }
    pos = next;
  }
  return split;
}

// The number of container marks opening `line`: ">" and list markers, each after at most
// three spaces (four are indented code).
int container_marks(std::string_view line) {
  int marks = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t start = i;
    while (i < line.size() && line[i] == ' ' && i - start < 4) {
      ++i;
    }
    if (i == line.size() || i - start == 4) {
      break;
    }
    std::size_t marker_end = i;
    const bool bullet = (line[i] == '-' || line[i] == '+' || line[i] == '*') &&
                        i + 1 < line.size() && (line[i + 1] == ' ' || line[i + 1] == '\t');
    if (line[i] == '>' || bullet) {
      marker_end = i + 1;
    } else {
      std::size_t j = i;
      while (j < line.size() && j - i < 9 && line[j] >= '0' && line[j] <= '9') {
        ++j;
      }
      if (j > i && j + 1 < line.size() && (line[j] == '.' || line[j] == ')') &&
          (line[j + 1] == ' ' || line[j + 1] == '\t')) {
        marker_end = j + 1;
      }
    }
    if (marker_end == i) {
      break;
    }
    ++marks;
    i = marker_end;
    if (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
      ++i;
    }
  }
  return marks;
}

// The quadratic part of md4c's work in one block (see kMaxMarkdownBlockWork).
struct BlockCost {
  std::size_t bytes = 0;
  std::size_t candidates = 0;
  int first_line = 0;

  void add(std::string_view line, int number) {
    first_line = bytes == 0 ? number : first_line;
    bytes += line.size() + 1;
    candidates += common::text::trim(line).starts_with('[') ? 1 : 0;
    for (std::string_view mark : {"://", "www."}) {
      for (std::size_t at = line.find(mark); at != std::string_view::npos;
           at = line.find(mark, at + 1)) {
        ++candidates;
      }
    }
  }
  bool too_costly() const { return candidates * bytes > limits::kMaxMarkdownBlockWork; }
};

class PostBuilder {
 public:
  PostBuilder(std::string_view path, const FrontMatter& front, const ReaderOptions& options,
              ReadResult& result)
      : path_(path), front_(front), options_(options), result_(result) {}

  // The single value of `key`, or nullopt (absent, or a list: reported).
  std::optional<std::string> scalar(const std::string& key) {
    const auto it = front_.fields.find(key);
    if (it == front_.fields.end() || it->second.items.empty()) {
      return std::nullopt;
    }
    if (it->second.is_list) {
      problem(it->second.line, "'" + key + "' must be a single value, not a list");
      return std::nullopt;
    }
    return it->second.items.front();
  }

  // A post's own URL: absolute http or https, or a reference resolved against site.base_url
  // ("/2025/hello.html"). Another scheme (javascript:, data:) would become the href of the
  // post's links in the feeds and on feedd's pages: reported, "" returned.
  std::string url(const std::string& key) {
    std::string value(common::text::trim(scalar(key).value_or("")));
    if (common::text::is_http_or_relative(value)) {
      return value;
    }
    problem(front_.fields.find(key)->second.line,
            "'" + key + "' must be an http or https URL or a path, not " +
                common::text::printable(common::text::uri_scheme(value).substr(0, 20)) + ":");
    return "";
  }

  // A list, or a scalar split at commas.
  std::vector<std::string> list(const std::string& key) {
    std::vector<std::string> items;
    const auto it = front_.fields.find(key);
    if (it == front_.fields.end()) {
      return items;
    }
    for (const std::string& item : it->second.items) {
      std::string_view rest = item;
      while (!rest.empty()) {
        const std::size_t comma = it->second.is_list ? std::string_view::npos : rest.find(',');
        const std::string_view part = common::text::trim(rest.substr(0, comma));
        if (!part.empty()) {
          items.emplace_back(part);
        }
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    }
    return items;
  }

  std::optional<std::chrono::sys_seconds> timestamp(const std::string& key) {
    const std::optional<std::string> value = scalar(key);
    if (!value) {
      return std::nullopt;
    }
    auto instant = parse_timestamp(*value, options_.timezone, options_.default_time);
    if (!instant) {
      problem(line_of(key), "'" + key + "' is \"" + *value +
                                "\": expected RFC 3339, YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]");
    }
    return instant;
  }

  std::optional<bool> boolean(const std::string& key) {
    const std::optional<std::string> value = scalar(key);
    if (!value) {
      return std::nullopt;
    }
    for (std::string_view yes : {"true", "yes", "on"}) {
      if (common::text::iequals(*value, yes)) {
        return true;
      }
    }
    for (std::string_view no : {"false", "no", "off"}) {
      if (common::text::iequals(*value, no)) {
        return false;
      }
    }
    problem(line_of(key), "'" + key + "' is \"" + *value + "\": expected true or false");
    return std::nullopt;
  }

  int line_of(const std::string& key) const {
    const auto it = front_.fields.find(key);
    return it == front_.fields.end() ? 1 : it->second.line;
  }

  void problem(int line, std::string reason) {
    result_.problems.push_back(Problem{std::string(path_), line, std::move(reason)});
  }

 private:
  std::string_view path_;
  const FrontMatter& front_;
  const ReaderOptions& options_;
  ReadResult& result_;
};

// The bounds a post passes before its body goes to md4c; false (reported) when it does not.
bool check_bounds(PostBuilder& in, const Post& post, const Split& split, std::string_view bytes) {
  if (post.title.size() > limits::kMaxTitleBytes) {
    in.problem(in.line_of("title"), "'title' is " + std::to_string(post.title.size()) +
                                        " bytes, more than " +
                                        std::to_string(limits::kMaxTitleBytes));
    return false;
  }
  if (post.key.size() > limits::kMaxKeyBytes) {
    in.problem(in.line_of("id"), "the id is " + std::to_string(post.key.size()) +
                                     " bytes, more than " + std::to_string(limits::kMaxKeyBytes));
    return false;
  }
  if (auto error = markdown_bounds_error(split.body)) {
    const int body_line = common::text::line_of_offset(bytes, bytes.size() - split.body.size());
    in.problem(error->line == 0 ? body_line : body_line - 1 + error->line, error->reason);
    return false;
  }
  return true;
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
  // Debian's md4c 0.4.8 can read (and emit) a few bytes past the end of its input (found by
  // the markdown fuzz target: tests/fuzz/regressions/markdown/); parse a copy with zero bytes
  // after it, so those reads stay inside our memory and emit only NULs (dropped later by
  // clean_xml_text).
  constexpr std::size_t kPadding = 64;
  std::string padded;
  padded.reserve(markdown.size() + kPadding);
  padded.append(markdown);
  padded.append(kPadding, '\0');
  Output out;
  out.map_c1 = !has_c1_control(markdown);
  std::string& html = out.html;
  html.reserve(markdown.size() + markdown.size() / 4);
  md_html(padded.data(), static_cast<MD_SIZE>(markdown.size()), append_output, &out,
          MD_DIALECT_GITHUB, 0);
  while (!html.empty() && html.back() == '\n') {
    html.pop_back();
  }
  return std::move(html);
}

std::optional<BoundsError> markdown_bounds_error(std::string_view markdown) {
  if (markdown.size() > limits::kMaxMarkdownBytes) {
    return BoundsError{0, "Markdown is " + std::to_string(markdown.size()) + " bytes, more than " +
                              std::to_string(limits::kMaxMarkdownBytes)};
  }
  BlockCost block;
  int line = 0;
  for (std::size_t pos = 0; pos <= markdown.size();) {
    std::size_t end = markdown.find('\n', pos);
    end = end == std::string_view::npos ? markdown.size() : end;
    const std::string_view text = markdown.substr(pos, end - pos);
    ++line;
    if (container_marks(text) > limits::kMaxMarkdownNesting) {
      return BoundsError{line, "Markdown nested deeper than " +
                                   std::to_string(limits::kMaxMarkdownNesting) +
                                   " levels (quotes or lists)"};
    }
    const bool block_ends = common::text::is_blank(text) || end == markdown.size();
    if (!common::text::is_blank(text)) {
      block.add(text, line);
    }
    if (block_ends && block.too_costly()) {
      return BoundsError{block.first_line,
                         "a Markdown block of " + std::to_string(block.bytes) + " bytes with " +
                             std::to_string(block.candidates) +
                             " bare links or '[' lines is too costly to render: split it "
                             "with blank lines"};
    }
    if (block_ends) {
      block = BlockCost{};
    }
    pos = end + 1;
  }
  return std::nullopt;
}

namespace {

// The front matter's optional fields; the key defaults to the file name's stem.
void read_optional_fields(PostBuilder& in, std::string_view path, Post& post) {
  post.lang = std::string(common::text::trim(in.scalar("lang").value_or("")));
  post.key = std::string(common::text::trim(in.scalar("id").value_or("")));
  if (post.key.empty()) {
    post.key = std::string(common::text::path_stem(path));
  }
  post.slug = in.scalar("slug").value_or("");
  post.url = in.url("url");
  post.translation_key = in.scalar("translation_key").value_or("");
  post.author = in.scalar("author").value_or("");
  post.summary = std::string(common::text::trim(in.scalar("summary").value_or("")));
  post.tags = in.list("tags");
  post.categories = in.list("categories");
}

}  // namespace

ReadResult read_markdown(std::string_view path, std::string_view bytes,
                         const ReaderOptions& options) {
  ReadResult result;
  const Split split = split_front_matter(bytes);
  if (!split.closed) {
    result.problems.push_back(Problem{std::string(path), 1,
                                      std::string("front matter opened by '") +
                                          (split.yaml ? "---" : "+++") + "' is never closed"});
    return result;
  }
  const FrontMatter front = split.yaml ? parse_yaml_front_matter(split.front, 2)
                                       : parse_toml_front_matter(split.front, 2);
  if (!front.error.empty()) {
    result.problems.push_back(Problem{std::string(path), front.error_line, front.error});
    return result;
  }

  PostBuilder in(path, front, options, result);
  Post post;
  post.title = std::string(common::text::trim(in.scalar("title").value_or("")));
  if (post.title.empty()) {
    in.problem(1, "front matter has no title");
  }
  const std::size_t problems_before_date = result.problems.size();
  const auto published = in.timestamp("date");
  if (!published && result.problems.size() == problems_before_date) {
    in.problem(1, "front matter has no date");
  }
  post.updated = in.timestamp("updated");
  post.draft = in.boolean("draft").value_or(false);
  if (!result.problems.empty()) {
    return result;
  }
  post.published = *published;
  post.local_date = format_local_date(options.timezone, post.published);
  read_optional_fields(in, path, post);
  if (!result.problems.empty()) {
    return result;
  }
  if (!check_bounds(in, post, split, bytes)) {
    return result;
  }
  post.source_path = std::string(path);
  post.source_line = 1;
  post.position = 0;
  post.format = SourceFormat::markdown;
  post.content_html = markdown_to_html(split.body);
  assign_language(post, options);
  result.posts.push_back(std::move(post));
  return result;
}

}  // namespace feedd::storage
