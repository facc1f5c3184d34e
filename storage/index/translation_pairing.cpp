#include "storage/index/translation_pairing.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>

namespace feedd::storage {
namespace {

// Navigation lines show titles with their language marker ("[Eng] Title"); the post's title
// has it removed. A neighbour title names `title` when it is the title, or ends with it after
// a marker-like prefix.
bool names(std::string_view neighbour, std::string_view title) {
  if (title.empty() || neighbour.empty()) {
    return false;
  }
  if (neighbour == title) {
    return true;
  }
  if (neighbour.size() > title.size() && neighbour.ends_with(title)) {
    auto prefix = neighbour.substr(0, neighbour.size() - title.size());
    return prefix.back() == ' ' || prefix.back() == ']';
  }
  return false;
}

bool linked(const Post& a, const Post& b) {
  return names(a.next_title, b.title) || names(a.previous_title, b.title) ||
         names(b.next_title, a.title) || names(b.previous_title, a.title);
}

}  // namespace

std::vector<std::size_t> pick_page_text_translations(const Post& post,
                                                     const std::vector<Post>& candidates) {
  std::map<std::string, std::vector<std::size_t>> by_lang;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].lang != post.lang && candidates[i].local_date == post.local_date) {
      by_lang[candidates[i].lang].push_back(i);
    }
  }
  std::vector<std::size_t> picked;
  for (const auto& [lang, indexes] : by_lang) {
    std::size_t linked_count = 0;
    std::size_t chosen = 0;
    for (auto i : indexes) {
      if (linked(post, candidates[i])) {
        ++linked_count;
        chosen = i;
      }
    }
    if (linked_count == 1) {
      picked.push_back(chosen);
    } else if (linked_count == 0 && indexes.size() == 1) {
      picked.push_back(indexes.front());
    }
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

}  // namespace feedd::storage
