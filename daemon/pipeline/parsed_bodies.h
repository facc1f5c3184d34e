// Post bodies parsed once (feeds::HtmlDocument, the costly step of rendering an entry) and
// reused by later renderings that show the same posts: ParsedBodies holds what one
// collect_feeds() parsed; RecentBodies the last bodies a sequence of renderings parsed
// (`feedd build` renders each post in its language's archive page, in the all-languages one
// and in its topics' feeds), at most `capacity` of them, the oldest added dropped first.
// A body is reused only for a post with the same key and the same HTML. Not thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "feeds/html_document.h"
#include "storage/post.h"

namespace feedd::daemon {

// Parsed bodies by post key, with the HTML each was parsed from (feeds::parse_content
// depends on nothing else).
using ParsedBodies =
    std::unordered_map<std::string,
                       std::pair<std::string, std::shared_ptr<const feeds::HtmlDocument>>>;

// The body parsed from `post`'s HTML in `bodies`, or null.
inline std::shared_ptr<const feeds::HtmlDocument> find_body(const ParsedBodies& bodies,
                                                            const storage::Post& post) {
  const auto it = bodies.find(post.key);
  return it != bodies.end() && it->second.first == post.content_html ? it->second.second : nullptr;
}

class RecentBodies {
 public:
  explicit RecentBodies(std::size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const feeds::HtmlDocument> find(const storage::Post& post) const {
    return find_body(bodies_, post);
  }
  // Keeps `body`, parsed from `post`'s HTML (replacing what was kept for its key).
  void add(const storage::Post& post, std::shared_ptr<const feeds::HtmlDocument> body) {
    auto [it, added] =
        bodies_.insert_or_assign(post.key, std::pair{post.content_html, std::move(body)});
    if (added) {
      order_.push_back(it->first);
    }
    while (order_.size() > capacity_) {
      bodies_.erase(order_.front());
      order_.pop_front();
    }
  }
  std::size_t size() const { return bodies_.size(); }

 private:
  std::size_t capacity_;
  ParsedBodies bodies_;
  std::deque<std::string> order_;  // keys, oldest added first
};

}  // namespace feedd::daemon
