// The front matter of a Markdown post, YAML (between "---" lines, via libyaml's events) or
// TOML (between "+++" lines, via toml++), flattened to the fields feedd reads. Pure
// functions; thread-safe; never throw: a syntax error is returned with its file line.
// Bounded: text over its size or nesting bound is refused before a parser sees it, and a
// list or mapping over kMaxListItems is an error (storage/readers/reader_limits.h).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::storage {

struct FrontMatterValue {
  std::vector<std::string> items;  // one item for a scalar; any number for a list
  bool is_list = false;
  int line = 0;  // file line of the key
};

struct FrontMatter {
  // Top-level keys with scalar or list-of-scalar values; null values, tables/maps and
  // nested lists are left out. Scalars are given as written (TOML dates in RFC 3339 form,
  // booleans as "true"/"false"). YAML aliases are resolved; merge keys are not applied; a
  // YAML top-level key given twice is an error.
  std::map<std::string, FrontMatterValue> fields;
  std::string error;   // empty when the front matter parsed
  int error_line = 0;  // file line of the error
};

// `text` is the front matter without its fences; `first_line` is the file line of its
// first line (2 when the opening fence is line 1).
FrontMatter parse_yaml_front_matter(std::string_view text, int first_line);
FrontMatter parse_toml_front_matter(std::string_view text, int first_line);

}  // namespace feedd::storage
