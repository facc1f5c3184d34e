// The SQLite index of the post store (schema and its meaning: storage/index/schema.sql).
// One Index owns one connection and its prepared statements; it is NOT thread-safe: use it
// from one thread (or strand) only. Opening or migrating fails with IndexError; afterwards
// every call reports failures as IndexError too (its fault() says whether the file is
// unusable or not writable, see index_error.h), and a failed apply() rolls back, leaving
// the last complete scan in place. SQLite exceptions never leave storage/.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "storage/history/change_clock.h"
#include "storage/index/index_error.h"
#include "storage/post.h"
#include "storage/problem.h"
#include "storage/readers/post_reader.h"
#include "storage/store_root.h"

namespace feedd::storage {

// What the index remembers of a post file, to skip unchanged files without reading them.
struct FileState {
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;
  std::vector<Problem> problems;  // from the last read
  std::string reader;             // reader_fingerprint() it was read with ("": before schema 7)
};

// A file as indexed, seen through a visit: the views live only during the visitor's call.
struct FileStamp {
  std::string_view path;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string_view sha256;
  std::string_view reader;  // see FileState::reader
};

// The result of reading one changed file during a scan.
struct FileRead {
  std::string path;  // relative to the store
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;
  std::string reader;            // reader_fingerprint() of the options it was read with
  bool bytes_unchanged = false;  // same sha256 and reader as indexed: only size/mtime updated
  // Same sha256 as indexed, parsed again for another reader fingerprint: nothing was edited
  // (see Index::Impl::compare_stored for the `updated` it keeps).
  bool reread = false;
  ReadResult result;  // empty when bytes_unchanged
  // rows::visible_hash() of each of result.posts when the reader computed them (on its own
  // thread, off the one writing the index), else empty (the index computes them).
  std::vector<std::string> visible_hashes;
};

// One scan's worth of changes, applied in one transaction.
struct ScanBatch {
  std::vector<FileRead> reads;       // files that are new or whose stat changed
  std::vector<std::string> removed;  // indexed files no longer in the store
};

struct ApplyResult {
  int added = 0;    // posts seen for the first time (or restored after deletion)
  int changed = 0;  // posts whose visible content changed
  int deleted = 0;  // posts whose file (or entry) went away
  // A post's language, draft flag or date changed: the published counts may differ.
  bool reclassified = false;
  std::vector<Problem> problems;  // duplicate keys and the like, found while applying
  // The keys of the posts whose row was written (inserted, updated, marked deleted), in the
  // order written (a key may repeat): what a catalog kept between scans must read again.
  std::vector<std::string> keys_written;
  bool wrote() const { return added + changed + deleted > 0; }
};

// A post as indexed: the parsed fields plus the facts only the index knows.
struct IndexedPost {
  Post post;
  std::string entry_id;
  std::chrono::sys_seconds first_seen{};
  std::chrono::sys_seconds updated{};
  std::optional<std::chrono::sys_seconds> deleted_at;
};

// A post that was published and went away (deleted, turned draft, dated into the future).
struct GonePost {
  std::string entry_id;
  std::chrono::sys_seconds gone_at{};  // when the scan that took it away ran
};

// A file `feedd build --out` wrote: a digest of what its bytes were rendered from, and the
// file's stat when written (a file changed or replaced since is not the one written).
struct BuiltFile {
  std::string inputs;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
};

class Index {
 public:
  enum class Mode {
    read_write,  // created if missing, WAL mode, migrated forward
    read_only,   // an existing index read as immutable (no locks, no -shm; -wal ignored),
                 // for a state directory that refuses writes; every write fails not_writable
    write_once,  // a new file filled by one scan with no journal (see fresh_index.h): a
                 // failed or interrupted write leaves it damaged, so it is never the index
                 // in use until complete
  };
  // Opens the index at `path` (":memory:": in memory, for tests; "": a private temporary
  // file SQLite deletes when the index closes, for a one-off scan), sets WAL mode and migrates the
  // schema forward. `base_url` gives the host of new entry ids. Checks the header, the schema
  // version and the tables (IndexFault::unusable when they are wrong); damage elsewhere in
  // the file shows as unusable when a call reads it.
  Index(const std::filesystem::path& path, std::string base_url, Mode mode = Mode::read_write);
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  std::unordered_map<std::string, FileState> file_states();
  // Every indexed file's stamp, in byte order of its path (the order std::string's < sorts):
  // a scan merges it with its sorted listing, without a map of a million copies.
  void visit_file_stamps(const std::function<void(const FileStamp&)>& visit);
  // Whether any file is indexed (false for a new index), without reading them.
  bool holds_files();
  // Whether no table holds a row: an index that has never been written, with no entry id,
  // tombstone or built file to keep (an index whose store is empty may still hold those).
  bool is_new();
  std::optional<FileState> file_state(const std::string& path);
  // The store's root directory as the last scan that recorded it found it (nullopt: none
  // has, as in an index from before schema 8), see storage/store_root.h.
  std::optional<StoreRoot> store_root();
  // Indexed files below the directory `directory` (relative, no trailing '/').
  std::vector<std::string> files_under(const std::string& directory);

  // Applies a scan in one transaction. `now` stamps first_seen, and updated/deleted_at when
  // `clock` (borrowed, may be null: "seen") cannot tell from the store's history.
  ApplyResult apply(const ScanBatch& batch, std::chrono::sys_seconds now,
                    ChangeClock* clock = nullptr);

  // The same, in parts, so that a scan of a large store holds only one part in memory while
  // the index still moves from one complete state to the next in a single transaction.
  // Rolls back unless commit() is called. Use no other Index call until it is gone.
  class ScanWriter {
   public:
    ScanWriter(ScanWriter&&) noexcept;
    ~ScanWriter();
    void add(const std::vector<FileRead>& reads);
    void remove(const std::vector<std::string>& paths);
    // Files gone before this scan whose history moved since: their deletions are dated again
    // (see ChangeClock; without a clock, nothing happens).
    void redate_deletions(const std::vector<std::string>& paths);
    // The store's root directory as this scan found it (see store_root()).
    void record_store_root(const StoreRoot& root);
    ApplyResult commit();

   private:
    friend class Index;
    struct State;
    explicit ScanWriter(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
  };
  // `touched`: every path the scan will read or remove (a duplicate id in an untouched file
  // is a conflict; in a touched one, the file may have given it up).
  // `clock`: as for apply(); it must outlive the writer.
  ScanWriter begin_scan(std::chrono::sys_seconds now, std::unordered_set<std::string> touched,
                        ChangeClock* clock = nullptr);

  // Held scans (a change prepared while the watcher waits for a quiet moment): after
  // hold_commits(true), a scan's commit() keeps its transaction open instead: this Index
  // reads the scan's writes, no other connection sees them and nothing is durable until
  // commit_held() (IndexError on failure, then rolled back); rollback_held(), or the
  // Index's end, forgets them. No other scan may begin while one is held.
  void hold_commits(bool hold);
  bool holds_writes() const;
  void commit_held();
  void rollback_held();

  // Live, published (not draft, published <= now) posts of `lang` (empty: every language),
  // newest first, at most `limit` (negative: all).
  std::vector<IndexedPost> newest(const std::string& lang, std::chrono::sys_seconds now, int limit);
  // One read snapshot held until the object goes: every query of this Index meanwhile sees
  // the index as it was at the first of them, whatever other connections commit (a listing
  // read in pages neither repeats nor skips a post that moved). Make no writes and begin
  // no scan through this Index while one is held; it must not outlive the Index.
  class ReadSnapshot {
   public:
    ReadSnapshot(ReadSnapshot&&) noexcept;
    ~ReadSnapshot();

   private:
    friend class Index;
    struct State;
    explicit ReadSnapshot(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
  };
  ReadSnapshot read_snapshot();

  // newest() a page at a time, without content_html and summary: the next `limit` posts
  // after `after` (a post of the previous page; null for the first page). Each page is one
  // indexed range query, however deep: a listing of every post holds one page, not the store.
  std::vector<IndexedPost> newest_page(const std::string& lang, std::chrono::sys_seconds now,
                                       int limit, const IndexedPost* after);
  // Live published posts that are translations of `indexed` (other languages), with only
  // what shows and pairs them: key, lang, title, url, slug, published and translation_key
  // (a translation is shown by its title and link: reading the bodies of every entry's
  // translations was a sixth of rendering an archive page, their whole rows without bodies
  // still 7 % of a cold build's instructions); a page-text post paired within its day gets
  // its translation's whole row without content_html and summary.
  // At most one per language, in language order: of several posts of one language that
  // share a translation_key, the first by key (a key reused across a series would
  // otherwise give every entry of it a link to each post of the series).
  std::vector<IndexedPost> translations_of(const IndexedPost& indexed,
                                           std::chrono::sys_seconds now);
  // translations_of() of each of `posts`, in their order, in a query or two for them all
  // instead of one each (a query's fixed cost was most of an archive page's collection).
  std::vector<std::vector<IndexedPost>> translations_of(std::span<const IndexedPost> posts,
                                                        std::chrono::sys_seconds now);
  // Every published post at `now`, newest first (the order of newest()), with only what the
  // topic and archive catalogs need (no content is read), handed to `visit` one at a time:
  // at a million posts a vector of them all was ~200 MB of a start-up's peak. `visit` must
  // not use this Index (the query is still running); what it throws ends the visit.
  void visit_published_topics(std::chrono::sys_seconds now,
                              const std::function<void(PostTopics&&)>& visit);
  // The same rows for the posts among `keys` that are published at `now`, in no given order
  // (a key of no published post is left out).
  std::vector<PostTopics> published_topics_of(const std::vector<std::string>& keys,
                                              std::chrono::sys_seconds now);
  // The live posts with these keys, in the order of `keys`; keys of no live post are skipped.
  // One query per 256 keys.
  std::vector<IndexedPost> posts_by_keys(const std::vector<std::string>& keys);
  // Posts of `lang` (empty: every language) that were published, went away at `since` or
  // later and are not published at `now` (one that came back has no tombstone), newest
  // first, at most `limit`.
  std::vector<GonePost> gone_posts(const std::string& lang, std::chrono::sys_seconds now,
                                   std::chrono::sys_seconds since, int limit);
  // The same posts (every language) that had a tag or a category, with them; `updated` holds
  // gone_at. Newest first.
  std::vector<PostTopics> gone_topics(std::chrono::sys_seconds now, std::chrono::sys_seconds since);
  // The earliest gone_at at `since` or later (the next tombstone to expire), if any.
  std::optional<std::chrono::sys_seconds> oldest_gone_since(std::chrono::sys_seconds since);
  // How many posts of `lang` (empty: every language) are published at `now`.
  std::int64_t count_published(const std::string& lang, std::chrono::sys_seconds now);
  // Problems of every file as last read, sorted by path and line.
  std::vector<Problem> problems();
  // The earliest publication time after `now` of a live non-draft post, if any.
  std::optional<std::chrono::sys_seconds> next_publication_after(std::chrono::sys_seconds now);
  // The keys of the live non-draft posts published in (after, until].
  std::vector<std::string> keys_published_between(std::chrono::sys_seconds after,
                                                  std::chrono::sys_seconds until);

  // The files recorded for the output directory `out_dir` (absolute), by path relative to it.
  std::unordered_map<std::string, BuiltFile> built_files(const std::string& out_dir);
  // Records (or replaces) files written into `out_dir`, in one transaction.
  void record_built_files(const std::string& out_dir,
                          const std::vector<std::pair<std::string, BuiltFile>>& files);

  static constexpr int kSchemaVersion = 8;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace feedd::storage
