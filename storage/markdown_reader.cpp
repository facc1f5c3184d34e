#include "storage/markdown_reader.h"

#include <md4c-html.h>

#include <optional>

#include "storage/front_matter.h"
#include "storage/language.h"
#include "storage/local_time.h"
#include "storage/text.h"

namespace feedd::storage {
namespace {

void append_output(const MD_CHAR* data, MD_SIZE size, void* userdata) {
  static_cast<std::string*>(userdata)->append(data, size);
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
  const std::string_view fence = text::trim(bytes.substr(0, pos));
  split.yaml = fence == "---";
  pos = pos == std::string_view::npos ? bytes.size() : pos + 1;
  const std::size_t front_start = pos;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    const std::size_t next = end == std::string_view::npos ? bytes.size() : end + 1;
    end = end == std::string_view::npos ? bytes.size() : end;
    const std::string_view line = text::trim(bytes.substr(pos, end - pos));
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
        const std::string_view part = text::trim(rest.substr(0, comma));
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
      if (text::iequals(*value, yes)) {
        return true;
      }
    }
    for (std::string_view no : {"false", "no", "off"}) {
      if (text::iequals(*value, no)) {
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

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
  std::string html;
  html.reserve(markdown.size() + markdown.size() / 4);
  md_html(markdown.data(), static_cast<MD_SIZE>(markdown.size()), append_output, &html,
          MD_DIALECT_GITHUB, 0);
  while (!html.empty() && html.back() == '\n') {
    html.pop_back();
  }
  return html;
}

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
  post.title = std::string(text::trim(in.scalar("title").value_or("")));
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
  post.lang = std::string(text::trim(in.scalar("lang").value_or("")));
  post.key = std::string(text::trim(in.scalar("id").value_or("")));
  if (post.key.empty()) {
    post.key = std::string(text::path_stem(path));
  }
  post.slug = in.scalar("slug").value_or("");
  post.url = in.scalar("url").value_or("");
  post.translation_key = in.scalar("translation_key").value_or("");
  post.author = in.scalar("author").value_or("");
  post.summary = std::string(text::trim(in.scalar("summary").value_or("")));
  post.tags = in.list("tags");
  post.categories = in.list("categories");
  if (!result.problems.empty()) {
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
