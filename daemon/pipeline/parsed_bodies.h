// Post bodies parsed once (feeds::HtmlDocument, the costly step of rendering an entry) and
// reused by later renderings that show the same posts: ParsedBodies holds what one
// collect_feeds() parsed; RecentBodies the slots of the last bodies a sequence of renderings
// needed (`feedd build` renders each post in its language's archive page, in the
// all-languages one and in its topics' feeds), at most `capacity` of them, the oldest added
// dropped first; a slot is parsed once, maybe on another thread. A body is reused only for a
// post with the same key and the same HTML. Not thread-safe (BodySlot: see there).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "daemon/pipeline/recent_map.h"
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

// One body for every rendering that shows it: `html` and `source_path` (for the log) are
// fixed when the slot is made; `document` is set by the one task that parses it and read only
// after that task is known to have finished (a happens-before edge the user provides).
struct BodySlot {
  std::string html;
  std::string source_path;
  std::shared_ptr<const feeds::HtmlDocument> document;
};

class RecentBodies {
 public:
  explicit RecentBodies(std::size_t capacity) : slots_(capacity) {}

  // The slot of `post`'s body: the one kept for its key when made from the same HTML
  // (second: false), else a new one, kept in its place (second: true: the caller parses it).
  std::pair<std::shared_ptr<BodySlot>, bool> slot(const storage::Post& post) {
    if (const auto* kept = slots_.find(post.key); kept && (*kept)->html == post.content_html) {
      return {*kept, false};
    }
    auto made = std::make_shared<BodySlot>(BodySlot{post.content_html, post.source_path, {}});
    slots_.put(post.key, made);
    return {std::move(made), true};
  }
  std::size_t size() const { return slots_.size(); }

 private:
  RecentMap<std::shared_ptr<BodySlot>> slots_;
};

}  // namespace feedd::daemon
