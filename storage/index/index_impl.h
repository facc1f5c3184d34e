// Index's private state, shared by its translation units: index.cpp (opening, migration,
// writing a scan), post_writes.cpp (writing one post) and index_queries.cpp (reading). Not
// for any other file: the rest of feedd sees only index.h. Same thread rules as Index (one
// thread at a time).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/index/index.h"
#include "storage/index/lent_statement.h"

namespace feedd::storage {

struct Index::Impl {
  Impl(const std::filesystem::path& path, std::string url, Index::Mode mode);

  SQLite::Database db;
  std::string base_url;
  StatementCache statements{db};
  // Held scans (Index::hold_commits): whether the next commit is held, and the one held.
  bool hold_commits = false;
  std::unique_ptr<SQLite::Transaction> held;

  // The prepared statement of `sql`, lent for one use (lent_statement.h).
  LentStatement cached(const std::string& sql);

  // Opening (index.cpp).
  // "file:PATH?immutable=1": read without locks or a -shm file, so that a read-only
  // directory can still be read (a -wal file left there is ignored).
  static std::string immutable_uri(const std::filesystem::path& path);
  // Checks that this is a feedd index of a known schema (reading the schema also finds a
  // damaged first page) and migrates it forward. Damage elsewhere shows when it is read.
  void migrate(Index::Mode mode);

  // Writing one post of a scan (post_writes.cpp).
  // The source file of the live post with `key`, if there is one.
  std::optional<std::string> live_owner(const std::string& key);
  // The numbers of bind_post()'s named parameters in one prepared statement, looked up once:
  // binding by name searched the statement's list of ~26 names for every value of every
  // post (~5 % of the main thread of a cold build).
  struct PostParams {
    int key, source_path, source_line, position, format, lang, title, content_html, summary, url,
        slug, author, tags, categories, published, explicit_updated, local_date, draft,
        translation_key, previous_title, next_title, visible_sha256;
  };
  std::unordered_map<const SQLite::Statement*, PostParams> post_params;
  // Binds `post`'s fields and `hash` to `statement` (one of `statements`). The strings are
  // bound without a copy: `post` and `hash` must outlive the statement's execution.
  void bind_post(SQLite::Statement& statement, const Post& post, const std::string& hash);
  // Writes a post the index has never had (under its key).
  void insert_post(const Post& post, const std::string& hash, std::chrono::sys_seconds now,
                   std::chrono::sys_seconds updated);
  // Inserts a post whose key has no row (`hash`: its rows::visible_hash()), counted in
  // `result` as added.
  void insert_new(const Post& post, const std::string& hash, std::chrono::sys_seconds now,
                  ChangeClock* clock, ApplyResult& result);
  // Inserts or updates one post (`hash`: its rows::visible_hash()); returns what happened to
  // the result counters. With a clock, the post's updated time is derived from the store's
  // history (see change_clock.h). `reread`: read from the bytes indexed, with other reader
  // settings (FileRead::reread).
  void upsert(const Post& post, const std::string& hash, std::chrono::sys_seconds now,
              ChangeClock* clock, bool reread, ApplyResult& result);
  // How a post read now differs from its stored row (upsert's SELECT).
  struct StoredChange {
    bool visible_same = false;  // same visible content (visible_sha256)
    bool was_deleted = false;   // the row is a deleted post's
    // Same file, line, position, neighbours' titles and day (site.timezone's date, which
    // pairs translations: it moves with the time zone, the visible content need not).
    bool place_same = false;
    bool goes_away = false;     // published until this scan and not after it (RFC 6721)
    bool reclassified = false;  // another language, draft state or publication time
    std::optional<std::chrono::sys_seconds> updated;  // a new updated time to store
    std::chrono::sys_seconds gone_at{};               // its tombstone's time, if goes_away
  };
  static StoredChange compare_stored(const SQLite::Statement& row, const Post& post,
                                     const std::string& hash, std::chrono::sys_seconds now,
                                     ChangeClock* clock, bool reread);
  // Writes `post` over its stored row as `change` found it (a deleted row comes back).
  void update_post(const Post& post, const std::string& hash, const StoredChange& change);
  // Marks the live posts of `path` deleted, except those whose keys are in `keep`; the
  // deletion time comes from `clock` when it can tell (may be null).
  void delete_posts_of(const std::string& path, const std::unordered_set<std::string>& keep,
                       std::chrono::sys_seconds now, ChangeClock* clock, ApplyResult& result);
  // Gives the deleted posts of `path` (a file gone before this scan) the time `clock` now
  // tells for their deletion, when it is a commit and differs from the one stored: a deletion
  // seen before its commit (a pull writes the work tree before it moves HEAD) is dated by the
  // commit once there is one, as an uncommitted edit is. Counted as changed (the tombstone's
  // time is in the Atom feeds).
  void redate_deletions_of(const std::string& path, ChangeClock& clock, ApplyResult& result);

  // Reading: the posts WHERE `where` (kLive and others), with `tail` (ORDER BY, LIMIT) and
  // the bindings `bind` sets; with Bodies::left_out their content_html and summary are "".
  enum class Bodies { read, left_out };
  std::vector<IndexedPost> select(const std::string& where, const std::string& tail,
                                  const std::function<void(SQLite::Statement&)>& bind,
                                  Bodies bodies = Bodies::read);
  // Translations (index_queries.cpp), without bodies. The posts published at `now` that
  // share a translation_key with one of `posts`, by key, each key's in language order.
  std::unordered_map<std::string, std::vector<IndexedPost>> posts_by_translation_key(
      std::span<const IndexedPost> posts, std::chrono::sys_seconds now);
  // The page-text posts published at `now` on local date `date` that have no
  // translation_key, every language, in publication order (pick_page_text_translations()).
  std::vector<IndexedPost> page_text_day(const std::string& date, std::chrono::sys_seconds now);
};

namespace index_detail {

// Schema step 3, RFC 6721 tombstones (tombstones.cpp).
extern const char* const kTombstonesSql;
// Schema step 4, the files of the last `feedd build --out` (built_files.cpp).
extern const char* const kBuiltFilesSql;

// The posts a reader may see at :now.
inline constexpr const char* kLive = "deleted_at IS NULL AND draft = 0 AND published <= :now";

// Throws the IndexError for `error`, saying what was being done.
[[noreturn]] inline void fail(const std::string& doing, const SQLite::Exception& error) {
  throw IndexError(doing + ": " + error.what(), fault_of_sqlite_code(error.getExtendedErrorCode()),
                   error.what());
}

// Runs `work`; a SQLite::Exception leaves it as an IndexError that says what was being done.
template <typename Work>
auto guard_sqlite(const char* doing, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const SQLite::Exception& error) {
    fail(doing, error);
  }
}

}  // namespace index_detail
}  // namespace feedd::storage
