// storage::PostTopics for the catalog tests, made from the texts a test names, tags and
// categories as lists; the numbers are the test's to set. Header-only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/post.h"

namespace feedd::testing {

// `names` joined as storage::PostTopics::Texts takes them.
inline std::string joined_names(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) {
    if (&name != &names.front()) {
      joined += storage::NameList::kSeparator;
    }
    joined += name;
  }
  return joined;
}

inline storage::PostTopics topic_row(std::string_view key, std::string_view lang,
                                     std::string_view entry_id,
                                     const std::vector<std::string>& tags,
                                     const std::vector<std::string>& categories = {},
                                     std::string_view source_path = {}) {
  const std::string joined_tags = joined_names(tags);
  const std::string joined_categories = joined_names(categories);
  return storage::PostTopics(storage::PostTopics::Texts{.key = key,
                                                        .lang = lang,
                                                        .entry_id = entry_id,
                                                        .source_path = source_path,
                                                        .tags = joined_tags,
                                                        .categories = joined_categories});
}

}  // namespace feedd::testing
