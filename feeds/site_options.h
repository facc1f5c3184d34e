// What the renderers need to know about the site, derived once from the configuration.
// Immutable after construction; share as const& across threads.
#pragma once

#include <string>
#include <vector>

namespace date {
class time_zone;
}

namespace feedd::feeds {

struct LanguageInfo {
  std::string code;         // "ja"
  std::string title;        // feed title
  std::string description;  // feed subtitle / description
};

struct SiteOptions {
  std::string base_url;                       // the blog itself, ends with '/'
  std::string feeds_url;                      // where feedd's paths are reachable, ends with '/'
  std::string author;                         // default author
  const date::time_zone* timezone = nullptr;  // never null once configured
  std::string post_url_template = "{base_url}{yyyy}/{mm}/{id}.html";
  std::vector<LanguageInfo> languages;  // in configuration order
  int max_age_s = 300;                  // RSS <ttl> is max_age_s / 60, at least 1
  bool full_content = true;             // feeds.content == "full"
  std::vector<std::string> hubs;        // WebSub hubs the feeds link (rel="hub"); empty: none
};

}  // namespace feedd::feeds
