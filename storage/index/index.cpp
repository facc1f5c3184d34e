#include "storage/index/index.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <unordered_set>

#include "common/encoding.h"
#include "common/sha256.h"
#include "storage/index/entry_id.h"
#include "storage/index/index_impl.h"
#include "storage/index/post_rows.h"
#include "storage/index/schema_sql.h"
#include "storage/index/translation_pairing.h"
#include "storage/index/updated_time.h"

namespace feedd::storage {
namespace {

using std::chrono::sys_seconds;

using index_detail::guard_sqlite;
using index_detail::kLive;
using rows::decode_problems;
using rows::encode_problems;
using rows::from_time;
using rows::join;
using rows::kPostColumns;
using rows::row_to_post;
using rows::split;
using rows::to_time;
using rows::visible_hash;

// Version 2 (see schema.sql): the topic catalog's query, answered from an index alone. Without
// it SQLite reads each post's row through its content (overflow pages) to reach the tags:
// ~60 ms per regeneration at 10,000 posts, ~7 ms with it.
constexpr const char* kTopicIndexSql =
    "CREATE INDEX posts_topics ON posts (published DESC, source_path DESC, position DESC, key, "
    "lang, entry_id, updated, tags, categories) WHERE deleted_at IS NULL AND draft = 0";

// Forward migrations: kMigrations[v] takes the schema from version v to v + 1.
const std::vector<const char*> kMigrations = {kSchemaSql, kTopicIndexSql,
                                              index_detail::kTombstonesSql};

}  // namespace

SQLite::Statement& Index::Impl::cached(const std::string& sql) {
  auto& slot = statements[sql];
  if (!slot) {
    slot = std::make_unique<SQLite::Statement>(db, sql);
  } else {
    slot->reset();
    slot->clearBindings();
  }
  return *slot;
}

Index::Impl::Impl(const std::filesystem::path& path, std::string url, Index::Mode mode)
    : db(mode == Index::Mode::read_write ? path.string() : immutable_uri(path),
         mode == Index::Mode::read_write ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE
                                         : SQLite::OPEN_READONLY | SQLite::OPEN_URI),
      base_url(std::move(url)) {
  db.setBusyTimeout(5000);
  if (mode == Index::Mode::read_write) {
    db.exec("PRAGMA journal_mode = WAL");  // reads the header: a non-database fails here
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

std::optional<std::string> Index::Impl::live_owner(const std::string& key) {
  auto& query = cached("SELECT source_path FROM posts WHERE key = ? AND deleted_at IS NULL");
  query.bind(1, key);
  if (!query.executeStep()) {
    return std::nullopt;
  }
  return query.getColumn(0).getString();
}

void Index::Impl::bind_post(SQLite::Statement& statement, const Post& post,
                            const std::string& hash) {
  statement.bind(":key", post.key);
  statement.bind(":source_path", post.source_path);
  statement.bind(":source_line", post.source_line);
  statement.bind(":position", post.position);
  statement.bind(":format", static_cast<int>(post.format));
  statement.bind(":lang", post.lang);
  statement.bind(":title", post.title);
  statement.bind(":content_html", post.content_html);
  statement.bind(":summary", post.summary);
  statement.bind(":url", post.url);
  statement.bind(":slug", post.slug);
  statement.bind(":author", post.author);
  statement.bind(":tags", join(post.tags));
  statement.bind(":categories", join(post.categories));
  statement.bind(":published", from_time(post.published));
  if (post.updated) {
    statement.bind(":explicit_updated", from_time(*post.updated));
  } else {
    statement.bind(":explicit_updated");
  }
  statement.bind(":local_date", post.local_date);
  statement.bind(":draft", post.draft ? 1 : 0);
  statement.bind(":translation_key", post.translation_key);
  statement.bind(":previous_title", post.previous_title);
  statement.bind(":next_title", post.next_title);
  statement.bind(":visible_sha256", hash);
}

void Index::Impl::insert_post(const Post& post, const std::string& hash, sys_seconds now,
                              sys_seconds updated) {
  auto& insert = cached(
      "INSERT INTO posts (key, entry_id, source_path, source_line, position, format, lang, "
      "title, content_html, summary, url, slug, author, tags, categories, published, "
      "explicit_updated, local_date, draft, translation_key, previous_title, next_title, "
      "visible_sha256, first_seen, updated, deleted_at) VALUES (:key, :entry_id, "
      ":source_path, :source_line, :position, :format, :lang, :title, :content_html, "
      ":summary, :url, :slug, :author, :tags, :categories, :published, :explicit_updated, "
      ":local_date, :draft, :translation_key, :previous_title, :next_title, "
      ":visible_sha256, :first_seen, :updated, NULL)");
  bind_post(insert, post, hash);
  insert.bind(":entry_id", make_entry_id(base_url, post.local_date, post.key));
  insert.bind(":first_seen", from_time(now));
  insert.bind(":updated", from_time(updated));
  insert.exec();
}

// Long since three features meet here (edit times from the history, tombstones, the row
// itself); to be split into "what changed" and "the UPDATE" (issue 8).
// NOLINTNEXTLINE(readability-function-size)
void Index::Impl::upsert(const Post& post, sys_seconds now, ChangeClock* clock,
                         ApplyResult& result) {
  std::string hash = visible_hash(post);
  auto& existing = cached(
      "SELECT visible_sha256, deleted_at, source_path, source_line, position, "
      "previous_title, next_title, lang, draft, published, updated FROM posts WHERE key = ?");
  existing.bind(1, post.key);
  if (!existing.executeStep()) {
    insert_post(post, hash, now, updated_time(post, hash, Seen::fresh, {}, now, clock));
    ++result.added;
    result.keys_written.push_back(post.key);
    return;
  }
  bool visible_same = existing.getColumn(0).getString() == hash;
  bool was_deleted = !existing.getColumn(1).isNull();
  // Published until this scan and not after it: it leaves the feeds now (RFC 6721).
  const bool was_published = !was_deleted && existing.getColumn(8).getInt() == 0 &&
                             existing.getColumn(9).getInt64() <= from_time(now);
  const bool goes_away = was_published && (post.draft || post.published > now);
  if (existing.getColumn(7).getString() != post.lang ||
      (existing.getColumn(8).getInt() != 0) != post.draft ||
      existing.getColumn(9).getInt64() != from_time(post.published)) {
    result.reclassified = true;
  }
  bool place_same = existing.getColumn(2).getString() == post.source_path &&
                    existing.getColumn(3).getInt() == post.source_line &&
                    existing.getColumn(4).getInt() == post.position &&
                    existing.getColumn(5).getString() == post.previous_title &&
                    existing.getColumn(6).getString() == post.next_title;
  // A history may tell a new time for the same content (an edit seen before its commit).
  const sys_seconds stored = to_time(existing.getColumn(10).getInt64());
  std::optional<sys_seconds> updated;
  if (!visible_same || clock != nullptr) {
    auto time =
        updated_time(post, hash, visible_same ? Seen::same : Seen::changed, stored, now, clock);
    if (time != stored) {
      updated = time;
    }
  }
  if (visible_same && !was_deleted && place_same && !updated) {
    return;  // nothing to write
  }
  auto& update = cached(
      std::string("UPDATE posts SET source_path = :source_path, source_line = :source_line, "
                  "position = :position, format = :format, lang = :lang, title = :title, "
                  "content_html = :content_html, summary = :summary, url = :url, slug = :slug, "
                  "author = :author, tags = :tags, categories = :categories, "
                  "published = :published, explicit_updated = :explicit_updated, "
                  "local_date = :local_date, draft = :draft, "
                  "translation_key = :translation_key, previous_title = :previous_title, "
                  "next_title = :next_title, visible_sha256 = :visible_sha256, "
                  "deleted_at = NULL") +
      (updated ? ", updated = :updated" : "") + (goes_away ? ", gone_at = :gone_at" : "") +
      " WHERE key = :key");
  bind_post(update, post, hash);
  if (updated) {
    update.bind(":updated", from_time(*updated));
  }
  if (goes_away) {
    update.bind(":gone_at", from_time(now));
  }
  update.exec();
  result.keys_written.push_back(post.key);
  if (was_deleted) {
    ++result.added;
  } else if (!visible_same || updated) {
    ++result.changed;
  }
}

void Index::Impl::delete_posts_of(const std::string& path,
                                  const std::unordered_set<std::string>& keep, sys_seconds now,
                                  ChangeClock* clock, ApplyResult& result) {
  auto& live = cached("SELECT key FROM posts WHERE source_path = ? AND deleted_at IS NULL");
  live.bind(1, path);
  std::vector<std::string> gone;
  while (live.executeStep()) {
    auto key = live.getColumn(0).getString();
    if (!keep.contains(key)) {
      gone.push_back(std::move(key));
    }
  }
  for (const auto& key : gone) {
    // The commit that removed it, when the history tells (RFC 6721 tombstones show it). A
    // post published until now leaves the feeds then; a draft or a future post that was never
    // shown keeps no tombstone (or the one it has).
    sys_seconds when = now;
    if (clock != nullptr) {
      if (auto time = clock->last_change(path, key, std::nullopt);
          time.source == StoreTime::Source::commit) {
        when = time.at;
      }
    }
    auto& mark = cached(
        "UPDATE posts SET deleted_at = :when, gone_at = CASE WHEN draft = 0 AND published <= :now "
        "THEN :when ELSE gone_at END WHERE key = :key");
    mark.bind(":when", from_time(when));
    mark.bind(":now", from_time(now));
    mark.bind(":key", key);
    mark.exec();
    ++result.deleted;
    result.keys_written.push_back(key);
  }
}

std::vector<IndexedPost> Index::Impl::select(const std::string& where, const std::string& tail,
                                             const std::function<void(SQLite::Statement&)>& bind) {
  auto& query =
      cached(std::string("SELECT ") + kPostColumns + " FROM posts WHERE " + where + " " + tail);
  bind(query);
  std::vector<IndexedPost> posts;
  while (query.executeStep()) {
    posts.push_back(row_to_post(query));
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
  SQLite::Transaction transaction;
  ApplyResult result;

  State(Index::Impl& i, sys_seconds n, ChangeClock* c, std::unordered_set<std::string> t)
      : impl(i), now(n), clock(c), touched(std::move(t)), transaction(i.db) {}
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
        auto& touch = impl.cached("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?");
        touch.bind(1, read.size);
        touch.bind(2, read.mtime_ns);
        touch.bind(3, read.path);
        touch.exec();
        continue;
      }
      std::vector<Problem> problems = read.result.problems;
      std::unordered_set<std::string> keys;
      for (const auto& post : read.result.posts) {
        auto [it, fresh] = state_->claimed.emplace(post.key, read.path);
        std::string other = fresh ? "" : it->second;
        // A live post of the same key in a file this scan does not touch keeps its key.
        if (fresh) {
          if (auto owner = impl.live_owner(post.key);
              owner && *owner != read.path && !state_->touched.contains(*owner)) {
            other = *owner;
          }
        }
        if (!other.empty()) {
          problems.push_back({read.path, post.source_line,
                              "duplicate id \"" + post.key + "\" (also in " + other +
                                  "); this post is left out: give it its own id"});
          continue;
        }
        impl.upsert(post, state_->now, state_->clock, result);
        keys.insert(post.key);
      }
      std::stable_sort(problems.begin(), problems.end(),
                       [](const auto& a, const auto& b) { return a.line < b.line; });
      auto& upsert_file = impl.cached(
          "INSERT INTO files (path, size, mtime_ns, sha256, problems) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
          "sha256 = excluded.sha256, problems = excluded.problems");
      upsert_file.bind(1, read.path);
      upsert_file.bind(2, read.size);
      upsert_file.bind(3, read.mtime_ns);
      upsert_file.bind(4, read.sha256);
      upsert_file.bind(5, encode_problems(problems));
      upsert_file.exec();
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
      auto& forget = impl.cached("DELETE FROM files WHERE path = ?");
      forget.bind(1, path);
      forget.exec();
    }
  });
}

ApplyResult Index::ScanWriter::commit() {
  guard_sqlite("committing the scan (rolled back)", [&] { state_->transaction.commit(); });
  return std::move(state_->result);
}

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
