// RFC 3229 delta feeds, the bookkeeping: what one version of a feed held (entry ids with
// their updated times, and the ids of its tombstones with their times, never the bodies),
// and the last N versions of one feed path, newest last, each named by the identity ETag of
// its bytes. Immutable values, shared between snapshots as shared_ptr<const FeedVersions>;
// thread-safe to read. Cannot fail short of memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace feedd::feeds {

enum class Coding : std::uint8_t;

struct EntryStamp {
  std::string id;
  std::chrono::sys_seconds at{};  // the entry's updated time, or the tombstone's `when`
  // A hash of everything the entry shows (0 for a tombstone): `at` alone may not tell two
  // versions apart (an author's explicit `updated` kept through an edit, two commits in one
  // second, a lead at its bound: storage/index/updated_time.h).
  std::uint64_t version = 0;
  bool operator==(const EntryStamp&) const = default;
};

// What one feed document shows, in document order (newest first).
struct EntrySet {
  std::vector<EntryStamp> entries;
  std::vector<EntryStamp> tombstones;  // Atom only (RFC 6721 at:deleted-entry)
};

// Which of `current`'s entries and tombstones a reader who has `old` lacks: ids not in `old`
// with the same stamp (added, changed, or deleted since).
struct DeltaSelection {
  std::unordered_set<std::string> entries;
  std::unordered_set<std::string> tombstones;
};
DeltaSelection select_delta(const EntrySet& old, const EntrySet& current);

struct FeedVersion {
  std::string tag;  // the identity ETag of the version's bytes, quotes included
  std::shared_ptr<const EntrySet> set;
};

class FeedVersions {
 public:
  // `previous` (may be null) followed by the version (`tag`, `set`), keeping the newest
  // `keep` (at least 1); an older version with the same tag is dropped (bytes came back).
  static std::shared_ptr<const FeedVersions> next(const FeedVersions* previous, std::string tag,
                                                  std::shared_ptr<const EntrySet> set,
                                                  std::size_t keep);

  // The version an If-None-Match entity-tag names for a representation in `coding` ("W/"
  // and the quotes included, as sent; the ETag of that version's bytes in that coding),
  // or null. The current (newest) version counts too.
  const FeedVersion* find(std::string_view entity_tag, Coding coding) const;
  const FeedVersion& current() const { return versions_.back(); }
  std::size_t size() const { return versions_.size(); }

 private:
  std::vector<FeedVersion> versions_;  // oldest first; never empty
};

// Calls `each` with every entity-tag of an If-None-Match value, in order ("*" included);
// stops at the first malformed one.
template <class Each>
void for_each_entity_tag(std::string_view field, Each each) {
  std::size_t i = 0;
  while (i < field.size()) {
    while (i < field.size() && (field[i] == ' ' || field[i] == '\t' || field[i] == ',')) {
      ++i;
    }
    if (i >= field.size()) {
      return;
    }
    const std::size_t start = i;
    if (field.compare(i, 2, "W/") == 0) {
      i += 2;
    }
    if (i >= field.size() || field[i] != '"') {
      return;
    }
    const std::size_t close = field.find('"', i + 1);
    if (close == std::string_view::npos) {
      return;
    }
    each(field.substr(start, close + 1 - start));
    i = close + 1;
  }
}

}  // namespace feedd::feeds
