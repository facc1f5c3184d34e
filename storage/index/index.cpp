#include "storage/index/index.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <unordered_set>

#include "common/encoding.h"
#include "common/sha256.h"
#include "storage/index/index_impl.h"
#include "storage/index/post_rows.h"
#include "storage/index/schema_sql.h"
#include "storage/index/translation_pairing.h"

namespace feedd::storage {
namespace {

using std::chrono::sys_seconds;

using index_detail::guard_sqlite;
using index_detail::kLive;
using rows::decode_problems;
using rows::encode_problems;
using rows::kPostColumns;
using rows::row_to_post;
using rows::split;

// Version 2 (see schema.sql): the topic catalog's query, answered from an index alone. Without
// it SQLite reads each post's row through its content (overflow pages) to reach the tags:
// ~60 ms per regeneration at 10,000 posts, ~7 ms with it.
constexpr const char* kTopicIndexSql =
    "CREATE INDEX posts_topics ON posts (published DESC, source_path DESC, position DESC, key, "
    "lang, entry_id, updated, tags, categories) WHERE deleted_at IS NULL AND draft = 0";

// Version 5: posts_topics also holds visible_sha256, which the catalogs' digests now include
// (an edit within the same second as the last leaves `updated` as it was).
constexpr const char* kTopicIndexWithHashSql =
    "DROP INDEX posts_topics; "
    "CREATE INDEX posts_topics ON posts (published DESC, source_path DESC, position DESC, key, "
    "lang, entry_id, updated, tags, categories, visible_sha256) "
    "WHERE deleted_at IS NULL AND draft = 0";

// Version 6: posts_topics also holds what tells which posts may be each other's
// translations (PostTopics::translation_group) and, for page text, the navigation lines that
// pair them: the digests now follow an entry's translations (it shows their titles and links).
constexpr const char* kTopicIndexWithTranslationsSql =
    "DROP INDEX posts_topics; "
    "CREATE INDEX posts_topics ON posts (published DESC, source_path DESC, position DESC, key, "
    "lang, entry_id, updated, tags, categories, visible_sha256, translation_key, local_date, "
    "format, previous_title, next_title) WHERE deleted_at IS NULL AND draft = 0";

// Version 7: each file's reader fingerprint (storage/readers/reader_fingerprint.h). The files
// indexed before it have none, so the first scan after the upgrade reads every file again.
constexpr const char* kFileReaderSql =
    "ALTER TABLE files ADD COLUMN reader TEXT NOT NULL DEFAULT ''";

// Version 8: the store's root directory as of the last scan (storage/store_root.h): a scan
// that finds another directory there, holding no post file, takes the store as gone.
constexpr const char* kStoreRootSql =
    "CREATE TABLE store_root (id INTEGER PRIMARY KEY CHECK (id = 1), device INTEGER NOT NULL, "
    "inode INTEGER NOT NULL)";

// Forward migrations: kMigrations[v] takes the schema from version v to v + 1.
const std::vector<const char*> kMigrations = {kSchemaSql,
                                              kTopicIndexSql,
                                              index_detail::kTombstonesSql,
                                              index_detail::kBuiltFilesSql,
                                              kTopicIndexWithHashSql,
                                              kTopicIndexWithTranslationsSql,
                                              kFileReaderSql,
                                              kStoreRootSql};

}  // namespace

LentStatement Index::Impl::cached(const std::string& sql) { return statements.lend(sql); }

Index::Impl::Impl(const std::filesystem::path& path, std::string url, Index::Mode mode)
    // NOMUTEX: one thread at a time uses an Index (index.h), so the connection's mutex,
    // taken by every sqlite3_column_*() call, was pure cost (~5 % of a cold build's CPU).
    : db(mode != Index::Mode::read_only ? path.string() : immutable_uri(path),
         (mode != Index::Mode::read_only ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE
                                         : SQLite::OPEN_READONLY | SQLite::OPEN_URI) |
             SQLite::OPEN_NOMUTEX),
      base_url(std::move(url)) {
  db.setBusyTimeout(5000);
  if (mode != Index::Mode::read_only) {
    // Before anything makes the file: a new index gets 16 KiB pages. A post's row (its body
    // with the light columns, about 2 KB at the bench store's average) fills more than half
    // of a 4 KiB page, so SQLite kept one row per page and left the rest empty: 471 MB for
    // 100,000 posts against 300 MB with 16 KiB pages. An existing index keeps its pages.
    db.exec("PRAGMA page_size = 16384");
    // Reads the header: a non-database fails here. A file written once has no journal: its
    // pages are written once, not to the WAL and then again by the checkpoint.
    db.exec(mode == Index::Mode::write_once ? "PRAGMA journal_mode = OFF"
                                            : "PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    // SQLite quietly opens a file it may not write read-only: say so now, not at the
    // first scan that has something to write.
    if (sqlite3_db_readonly(db.getHandle(), "main") == 1) {
      throw IndexError("the index or its directory is read-only", IndexFault::not_writable,
                       "read-only file system or file");
    }
  }
  db.exec("PRAGMA foreign_keys = ON");
  migrate(mode);
}

std::string Index::Impl::immutable_uri(const std::filesystem::path& path) {
  std::string uri = "file:";
  const auto plain = [](unsigned char c) { return c != '%' && c != '?' && c != '#'; };
  common::append_percent_encoded(uri, std::filesystem::absolute(path).string(), plain);
  return uri + "?immutable=1";
}

void Index::Impl::migrate(Index::Mode mode) {
  int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > kSchemaVersion) {
    throw IndexError("the index was written by a newer feedd (schema " + std::to_string(version) +
                         ", this feedd knows " + std::to_string(kSchemaVersion) + ")",
                     IndexFault::unusable);
  }
  const int tables = db.execAndGet(
                           "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND "
                           "name IN ('files', 'posts')")
                         .getInt();
  if (version > 0 && tables != 2) {
    throw IndexError(
        "not a feedd index (schema " + std::to_string(version) + " without its tables)",
        IndexFault::unusable);
  }
  if (version < kSchemaVersion && mode == Index::Mode::read_only) {
    throw IndexError("schema " + std::to_string(version) + " cannot be migrated read-only",
                     IndexFault::not_writable);
  }
  for (; version < kSchemaVersion; ++version) {
    SQLite::Transaction transaction(db);
    db.exec(kMigrations[static_cast<std::size_t>(version)]);
    db.exec("PRAGMA user_version = " + std::to_string(version + 1));
    transaction.commit();
  }
}

std::vector<IndexedPost> Index::Impl::select(const std::string& where, const std::string& tail,
                                             const std::function<void(SQLite::Statement&)>& bind,
                                             Bodies bodies) {
  const char* columns = bodies == Bodies::read ? kPostColumns : rows::kPostColumnsWithoutBody;
  auto query = cached(std::string("SELECT ") + columns + " FROM posts WHERE " + where + " " + tail);
  bind(*query);
  std::vector<IndexedPost> posts;
  while (query->executeStep()) {
    posts.push_back(row_to_post(*query));
  }
  return posts;
}

Index::Index(const std::filesystem::path& path, std::string base_url, Mode mode) {
  try {
    impl_ = std::make_unique<Impl>(path, std::move(base_url), mode);
  } catch (const SQLite::Exception& error) {
    throw IndexError(path.string() + ": cannot open the index: " + error.what(),
                     fault_of_open_failure(path, error.getExtendedErrorCode()), error.what());
  } catch (const IndexError& error) {
    throw IndexError(path.string() + ": " + error.what(), error.fault(), error.cause());
  }
}

Index::~Index() = default;

// The state of one scan being applied: which keys this scan has given to which file.
struct Index::ScanWriter::State {
  Index::Impl& impl;
  sys_seconds now;
  ChangeClock* clock;                                    // may be null
  std::unordered_set<std::string> touched;               // paths this scan reads or removes
  std::unordered_map<std::string, std::string> claimed;  // key -> path, in this scan
  std::unique_ptr<SQLite::Transaction> transaction;
  // The index held no post row at the scan's first claim (a first scan, a rebuilt index): a
  // key this scan has not claimed yet has no row, so its post is inserted without a look
  // first. Asked then, not at the start: the question begins the transaction's read
  // snapshot, and another connection's commit after it would fail the scan's first write
  // (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out) while the first files are read.
  std::optional<bool> started_empty;
  ApplyResult result;

  State(Index::Impl& i, sys_seconds n, ChangeClock* c, std::unordered_set<std::string> t)
      : impl(i),
        now(n),
        clock(c),
        touched(std::move(t)),
        transaction(std::make_unique<SQLite::Transaction>(i.db)) {}

  bool empty_at_first_claim() {
    if (!started_empty) {
      started_empty = impl.db.execAndGet("SELECT NOT EXISTS (SELECT 1 FROM posts)").getInt() != 0;
    }
    return *started_empty;
  }

  // Claims `key` for the file at `path`; the file that keeps it instead, if any: one this
  // scan gave it to before, or the file of a live post of that key that this scan does not
  // touch.
  std::optional<std::string> claim(const std::string& key, const std::string& path) {
    auto [it, fresh] = claimed.emplace(key, path);
    if (!fresh) {
      return it->second;
    }
    if (empty_at_first_claim()) {
      return std::nullopt;
    }
    if (auto owner = impl.live_owner(key); owner && *owner != path && !touched.contains(*owner)) {
      return owner;
    }
    return std::nullopt;
  }

  // Writes a post claim() gave to its file (`hash`: its rows::visible_hash(); `reread`: see
  // FileRead::reread).
  void write(const Post& post, const std::string& hash, bool reread) {
    if (empty_at_first_claim()) {  // and claimed just now: it has no row
      impl.insert_new(post, hash, now, clock, result);
    } else {
      impl.upsert(post, hash, now, clock, reread, result);
    }
  }
};

Index::ScanWriter::ScanWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
Index::ScanWriter::ScanWriter(ScanWriter&&) noexcept = default;
Index::ScanWriter::~ScanWriter() = default;  // the transaction rolls back unless committed

Index::ScanWriter Index::begin_scan(sys_seconds now, std::unordered_set<std::string> touched,
                                    ChangeClock* clock) {
  return guard_sqlite("starting a scan", [&]() -> Index::ScanWriter {
    return ScanWriter(std::make_unique<ScanWriter::State>(*impl_, now, clock, std::move(touched)));
  });
}

void Index::ScanWriter::add(const std::vector<FileRead>& reads) {
  auto& impl = state_->impl;
  auto& result = state_->result;
  guard_sqlite("updating the index (rolled back)", [&] {
    for (const auto& read : reads) {
      if (read.bytes_unchanged) {
        auto touch = impl.cached("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?");
        touch->bind(1, read.size);
        touch->bind(2, read.mtime_ns);
        touch->bind(3, read.path);
        touch->exec();
        continue;
      }
      std::vector<Problem> problems = read.result.problems;
      std::unordered_set<std::string> keys;
      const bool hashed = read.visible_hashes.size() == read.result.posts.size();
      for (std::size_t i = 0; i < read.result.posts.size(); ++i) {
        const Post& post = read.result.posts[i];
        if (const auto other = state_->claim(post.key, read.path)) {
          problems.push_back({read.path, post.source_line,
                              "duplicate id \"" + post.key + "\" (also in " + *other +
                                  "); this post is left out: give it its own id"});
          continue;
        }
        state_->write(post, hashed ? read.visible_hashes[i] : rows::visible_hash(post),
                      read.reread);
        keys.insert(post.key);
      }
      std::stable_sort(problems.begin(), problems.end(),
                       [](const auto& a, const auto& b) { return a.line < b.line; });
      auto upsert_file = impl.cached(
          "INSERT INTO files (path, size, mtime_ns, sha256, problems, reader) "
          "VALUES (?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
          "sha256 = excluded.sha256, problems = excluded.problems, reader = excluded.reader");
      upsert_file->bind(1, read.path);
      upsert_file->bind(2, read.size);
      upsert_file->bind(3, read.mtime_ns);
      upsert_file->bind(4, read.sha256);
      upsert_file->bind(5, encode_problems(problems));
      upsert_file->bind(6, read.reader);
      upsert_file->exec();
      result.problems.insert(result.problems.end(), problems.begin(), problems.end());
      // A file with problems keeps the last good version of the posts it no longer yields.
      // (A post that moved to a file applied later in this scan is deleted here and restored
      // there, with its first_seen and updated times intact.)
      if (problems.empty()) {
        impl.delete_posts_of(read.path, keys, state_->now, state_->clock, result);
      }
    }
  });
}

void Index::ScanWriter::remove(const std::vector<std::string>& paths) {
  auto& impl = state_->impl;
  guard_sqlite("updating the index (rolled back)", [&] {
    for (const auto& path : paths) {
      impl.delete_posts_of(path, {}, state_->now, state_->clock, state_->result);
      auto forget = impl.cached("DELETE FROM files WHERE path = ?");
      forget->bind(1, path);
      forget->exec();
    }
  });
}

void Index::ScanWriter::redate_deletions(const std::vector<std::string>& paths) {
  if (state_->clock == nullptr) {
    return;
  }
  guard_sqlite("updating the index (rolled back)", [&] {
    for (const auto& path : paths) {
      state_->impl.redate_deletions_of(path, *state_->clock, state_->result);
    }
  });
}

void Index::ScanWriter::record_store_root(const StoreRoot& root) {
  guard_sqlite("updating the index (rolled back)", [&] {
    auto record = state_->impl.cached(
        "INSERT INTO store_root (id, device, inode) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET device = excluded.device, inode = excluded.inode");
    // SQLite's integers are signed: the bits are kept, read back by store_root().
    record->bind(1, static_cast<std::int64_t>(root.device));
    record->bind(2, static_cast<std::int64_t>(root.inode));
    record->exec();
  });
}

ApplyResult Index::ScanWriter::commit() {
  if (state_->impl.hold_commits) {
    state_->impl.held = std::move(state_->transaction);  // see Index::hold_commits
  } else {
    guard_sqlite("committing the scan (rolled back)", [&] { state_->transaction->commit(); });
  }
  return std::move(state_->result);
}

// A deferred transaction that only reads: its first read fixes the snapshot; it ends in a
// rollback (nothing to commit).
struct Index::ReadSnapshot::State {
  explicit State(SQLite::Database& db) : transaction(db, SQLite::TransactionBehavior::DEFERRED) {}
  SQLite::Transaction transaction;
};

Index::ReadSnapshot::ReadSnapshot(std::unique_ptr<State> state) : state_(std::move(state)) {}
Index::ReadSnapshot::ReadSnapshot(ReadSnapshot&&) noexcept = default;
Index::ReadSnapshot::~ReadSnapshot() = default;

Index::ReadSnapshot Index::read_snapshot() {
  return guard_sqlite("beginning a read", [&] {
    return ReadSnapshot(std::make_unique<ReadSnapshot::State>(impl_->db));
  });
}

void Index::hold_commits(bool hold) { impl_->hold_commits = hold; }

bool Index::holds_writes() const { return impl_->held != nullptr; }

void Index::commit_held() {
  auto held = std::move(impl_->held);  // rolls back as it goes, unless committed
  if (held) {
    guard_sqlite("committing the scan (rolled back)", [&] { held->commit(); });
  }
}

void Index::rollback_held() { impl_->held.reset(); }

ApplyResult Index::apply(const ScanBatch& batch, sys_seconds now, ChangeClock* clock) {
  std::unordered_set<std::string> touched(batch.removed.begin(), batch.removed.end());
  for (const auto& read : batch.reads) {
    touched.insert(read.path);
  }
  auto writer = begin_scan(now, std::move(touched), clock);
  writer.add(batch.reads);
  writer.remove(batch.removed);
  return writer.commit();
}

}  // namespace feedd::storage
