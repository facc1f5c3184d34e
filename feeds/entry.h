// One feed entry: an indexed post plus the facts the index adds (stable id, updated time)
// and its resolved links. Value type; thread-compatible (its AtomChildren: thread-safe).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "feeds/topic.h"
#include "storage/post.h"

namespace feedd::feeds {

class HtmlDocument;

struct Alternate {
  std::string lang;   // the translation's language
  std::string url;    // its absolute permalink
  std::string title;  // its title
};

// An entry's Atom children (<id> to <content>), rendered once by whichever thread renders a
// feed showing the entry first, and spliced into every Atom feed that shows a copy of it
// (see Entry::atom). They depend only on the entry and the site, not on the feed.
// Not a std::once_flag: glibc's pthread_once, under std::call_once, wakes its futex after every
// first call, waiter or not: a syscall per entry, half of a cold build's futex calls. A mutex
// taken only until `ready` is set costs no syscall unless two threads meet on one entry.
struct AtomChildren {
  std::atomic<bool> ready{false};  // `text` is rendered (acquire, then read it)
  std::mutex rendering;            // held by the thread rendering `text`
  std::string text;  // each child on its own lines, at the depth of an entry's children
};

struct Entry {
  storage::Post post;
  std::string id;  // stable tag: URI assigned by the index when the post was first seen
  std::chrono::sys_seconds updated{};   // when what a reader sees last changed
  std::string url;                      // absolute permalink (post.url or the template)
  std::vector<Alternate> translations;  // other languages of the same article
  // post.content_html parsed once (parse_content) for every feed and page that shows the
  // entry; null: each renderer parses it where needed.
  std::shared_ptr<const HtmlDocument> html;
  // Set on an entry that several Atom feeds show (`feedd build` shows each post in its
  // language's archive page and in the all-languages one): its children rendered once for
  // all its copies. Null: rendered in each feed. Whoever sets it must not change the entry
  // (nor its copies) afterwards, but for `html`, set before any rendering.
  std::shared_ptr<AtomChildren> atom;
};

// A post that was published and went away (deleted, turned draft, dated into the future):
// an RFC 6721 tombstone in the Atom feeds it was in.
struct Tombstone {
  std::string id;                   // the entry id it had
  std::chrono::sys_seconds when{};  // when it went away
};

// The entries of one feed: `lang` is a configured language code, or empty for the feed of
// all languages; with a `topic`, only that tag's or category's posts (a topic feed, rendered
// by the same functions). Entries are newest first and already limited to feeds.entries
// (feeds.topic_entries for a topic).
struct FeedContent {
  std::string lang;
  std::vector<Entry> entries;
  std::optional<FeedTopic> topic = std::nullopt;
  std::vector<Tombstone> tombstones = {};  // newest first; rendered in Atom only
  // RFC 5005, Atom only. For a subscription feed: 0 when it holds every published post
  // (fh:complete), else the number of its newest archive page (prev-archive); nullopt: no
  // history markup (topic feeds).
  std::optional<std::size_t> archive_newest = std::nullopt;
  // Set when this is archive page `archive_page` (entries oldest first, lang's archive):
  // rendered at feed_path(lang, page) with fh:archive and its links.
  std::optional<std::size_t> archive_page = std::nullopt;
  bool archive_has_next = false;  // page archive_page + 1 exists
};

}  // namespace feedd::feeds
