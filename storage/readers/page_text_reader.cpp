#include "storage/readers/page_text_reader.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/text.h"
#include "common/utf8.h"
#include "storage/readers/language.h"
#include "storage/readers/local_time.h"
#include "storage/readers/reader_limits.h"

namespace feedd::storage {
namespace {

constexpr std::string_view kPrevious = "\xC2\xAB";  // «
constexpr std::string_view kNext = "\xC2\xBB";      // »

struct Navigation {
  std::string previous_title;
  std::string next_title;
};

// "« Prev | Top page | Next »", "Top page | Next »", "« Prev | Top page": a neighbour mark
// at one end and at least one '|'. Returns the neighbour titles as shown.
std::optional<Navigation> parse_navigation(std::string_view line) {
  line = common::text::trim(line);
  const bool has_previous = line.starts_with(kPrevious);
  const bool has_next = line.ends_with(kNext);
  const std::size_t first_bar = line.find('|');
  if ((!has_previous && !has_next) || first_bar == std::string_view::npos) {
    return std::nullopt;
  }
  Navigation nav;
  if (has_previous) {
    nav.previous_title =
        common::text::trim(line.substr(kPrevious.size(), first_bar - kPrevious.size()));
  }
  if (has_next) {
    const std::size_t last_bar = line.rfind('|');
    nav.next_title =
        common::text::trim(line.substr(last_bar + 1, line.size() - kNext.size() - last_bar - 1));
  }
  return nav;
}

bool is_lone_bar(std::string_view line) { return common::text::trim(line) == "|"; }

// The lines that are no content: lone '|' lines, navigation lines, and a page's navigation
// line that names no neighbour (only the top page's link: a blog's only post), told by where
// it is: before the date line, and again as the file's last line, as navigation is repeated.
class NotContent {
 public:
  explicit NotContent(const std::vector<std::string_view>& lines) {
    std::size_t first = 0;
    std::size_t last = lines.size();
    while (first < lines.size() && common::text::is_blank(lines[first])) {
      ++first;
    }
    while (last > first && common::text::is_blank(lines[last - 1])) {
      --last;
    }
    if (last - first < 2) {
      return;
    }
    const std::string_view line = common::text::trim(lines[first]);
    if (line == common::text::trim(lines[last - 1]) && !is_lone_bar(line) &&
        !parse_navigation(line) && !parse_date_line(line)) {
      bare_navigation_ = line;
    }
  }

  bool bare_navigation(std::string_view line) const {
    return !bare_navigation_.empty() && common::text::trim(line) == bare_navigation_;
  }
  bool operator()(std::string_view line) const {
    return is_lone_bar(line) || parse_navigation(line).has_value() || bare_navigation(line);
  }

 private:
  std::string_view bare_navigation_;  // empty: none
};

bool has_sentence_punctuation(std::string_view line) {
  static constexpr std::string_view kMarks[] = {".",
                                                "!",
                                                "?",
                                                ":",
                                                "\xE3\x80\x82" /*。*/,
                                                "\xEF\xBC\x81" /*！*/,
                                                "\xEF\xBC\x9F" /*？*/,
                                                "\xEF\xBC\x9A" /*：*/};
  for (std::string_view mark : kMarks) {
    if (line.find(mark) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// The SPEC's rule, by shape: "short" is relative to the paragraph the line heads.
bool starts_with_heading(const std::vector<std::string_view>& lines) {
  if (lines.size() < 2 || has_sentence_punctuation(lines.front())) {
    return false;
  }
  const std::size_t heading = common::utf8::count_code_points(lines.front());
  if (heading > kHeadingMaxCodePoints) {
    return false;
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (common::utf8::count_code_points(lines[i]) >= kHeadingLengthRatio * heading) {
      return true;
    }
  }
  return false;
}

void append_paragraph(std::string& html, const std::vector<std::string_view>& lines,
                      std::size_t from) {
  html += "<p>";
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (i > from) {
      html += "<br>\n";
    }
    common::text::append_html_escaped(html, lines[i]);
  }
  html += "</p>\n";
}

void append_block(std::string& html, const std::vector<std::string_view>& lines) {
  if (starts_with_heading(lines)) {
    html += "<h3>";
    common::text::append_html_escaped(html, lines.front());
    html += "</h3>\n";
    append_paragraph(html, lines, 1);
  } else {
    append_paragraph(html, lines, 0);
  }
}

// Blocks of consecutive non-blank content lines, each line trimmed, as HTML.
std::string render_body(const std::vector<std::string_view>& lines, std::size_t from,
                        const NotContent& is_not_content) {
  std::string html;
  std::vector<std::string_view> block;
  for (std::size_t i = from; i <= lines.size(); ++i) {
    const bool end = i == lines.size() || common::text::is_blank(lines[i]);
    if (!end && is_not_content(lines[i])) {
      continue;
    }
    if (end) {
      if (!block.empty()) {
        append_block(html, block);
        block.clear();
      }
      continue;
    }
    block.push_back(common::text::trim(lines[i]));
  }
  if (!html.empty() && html.back() == '\n') {
    html.pop_back();
  }
  return html;
}

int leading_number(std::string_view stem) {
  int value = 0;
  for (std::size_t i = 0; i < stem.size() && i < 9 && stem[i] >= '0' && stem[i] <= '9'; ++i) {
    value = value * 10 + (stem[i] - '0');
  }
  return value;
}

std::string quoted_excerpt(std::string_view line) {
  line = common::text::trim(line);
  std::size_t cut = 0;
  std::size_t count = 0;
  while (cut < line.size() && count < 40) {
    common::utf8::decode(line, cut);
    ++count;
  }
  // Built with append: g++ 12 warns (-Wrestrict, a false positive) on "\"" + std::string.
  std::string quoted = "\"";
  quoted.append(line.substr(0, cut));
  quoted.append(cut < line.size() ? "…\"" : "\"");
  return quoted;
}

// Skips what may precede the date line (blank lines, navigation lines, lone '|' lines),
// keeping the first navigation in `nav`; returns the date with `i` past its line, or the
// problem.
std::variant<date::year_month_day, Problem> read_date_line(
    const std::vector<std::string_view>& lines, std::string_view path, std::size_t& i,
    std::optional<Navigation>& nav, const NotContent& not_content) {
  for (; i < lines.size(); ++i) {
    if (common::text::is_blank(lines[i]) || is_lone_bar(lines[i]) ||
        not_content.bare_navigation(lines[i])) {
      continue;
    }
    if (auto n = parse_navigation(lines[i])) {
      if (!nav) {
        nav = std::move(n);
      }
      continue;
    }
    if (auto day = parse_date_line(lines[i])) {
      ++i;
      return *day;
    }
    return Problem{std::string(path), static_cast<int>(i) + 1,
                   "expected a date line (YYYY.MM.DD, YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日), "
                   "found " +
                       quoted_excerpt(lines[i])};
  }
  return Problem{std::string(path), lines.empty() ? 0 : static_cast<int>(lines.size()),
                 "no date line (YYYY.MM.DD) in page text"};
}

// Where the post came from and when it was published (the date line at default_time).
void set_source(Post& post, std::string_view path, const date::year_month_day& day,
                const ReaderOptions& options) {
  const std::string_view stem = common::text::path_stem(path);
  post.key = std::string(stem);
  post.source_path = std::string(path);
  post.source_line = 1;
  post.position = leading_number(stem);
  post.format = SourceFormat::page_text;
  post.published = local_to_sys(options.timezone, local_date_time(day, options.default_time));
  post.local_date = format_local_date(options.timezone, post.published);
}

}  // namespace

ReadResult read_page_text(std::string_view path, std::string_view bytes,
                          const ReaderOptions& options) {
  ReadResult result;
  auto fail = [&](int line, std::string reason) {
    result.problems.push_back(Problem{std::string(path), line, std::move(reason)});
    return std::move(result);
  };
  const std::vector<std::string_view> lines = common::text::split_lines(bytes);

  Post post;
  std::optional<Navigation> nav;
  std::size_t i = 0;
  const NotContent is_not_content(lines);
  auto day = read_date_line(lines, path, i, nav, is_not_content);
  if (auto* problem = std::get_if<Problem>(&day)) {
    result.problems.push_back(std::move(*problem));
    return result;
  }
  const int date_line = static_cast<int>(i);
  while (i < lines.size() && common::text::is_blank(lines[i])) {
    ++i;
  }
  if (i == lines.size() || is_not_content(lines[i])) {
    return fail(date_line, "no title after the date line");
  }
  const int title_line = static_cast<int>(i) + 1;
  post.title = std::string(common::text::trim(lines[i]));
  if (post.title.size() > limits::kMaxTitleBytes) {
    return fail(title_line, "the title is " + std::to_string(post.title.size()) +
                                " bytes, more than " + std::to_string(limits::kMaxTitleBytes));
  }
  ++i;

  // Navigation lines after the text name the neighbours when none came before the date.
  for (std::size_t j = i; j < lines.size() && !nav; ++j) {
    nav = parse_navigation(lines[j]);
  }
  if (nav) {
    post.previous_title = std::move(nav->previous_title);
    post.next_title = std::move(nav->next_title);
  }
  post.content_html = render_body(lines, i, is_not_content);
  set_source(post, path, std::get<date::year_month_day>(day), options);
  assign_language(post, options);
  if (post.title.empty()) {
    return fail(title_line, "the title is only a language marker");
  }
  result.posts.push_back(std::move(post));
  return result;
}

}  // namespace feedd::storage
