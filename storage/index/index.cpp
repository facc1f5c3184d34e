#include "storage/index/index.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <unordered_set>

#include "common/encoding.h"
#include "common/sha256.h"
#include "storage/index/entry_id.h"
#include "storage/index/schema_sql.h"
#include "storage/index/translation_pairing.h"

namespace feedd::storage {
namespace {

using std::chrono::sys_seconds;

constexpr char kListSeparator = '\x1f';

// The columns of a post row, in the order row_to_post() reads them.
constexpr const char* kPostColumns =
    "key, entry_id, source_path, source_line, position, format, lang, title, content_html, "
    "summary, url, slug, author, tags, categories, published, explicit_updated, local_date, "
    "draft, translation_key, previous_title, next_title, first_seen, updated, deleted_at";

constexpr const char* kLive = "deleted_at IS NULL AND draft = 0 AND published <= :now";

[[noreturn]] void fail(const std::string& doing, const SQLite::Exception& error) {
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

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out.push_back(kListSeparator);
    }
    out += item;
  }
  return out;
}

std::vector<std::string> split(const std::string& joined) {
  std::vector<std::string> items;
  if (joined.empty()) {
    return items;
  }
  std::size_t start = 0;
  while (true) {
    auto end = joined.find(kListSeparator, start);
    items.push_back(joined.substr(start, end - start));
    if (end == std::string::npos) {
      return items;
    }
    start = end + 1;
  }
}

sys_seconds to_time(std::int64_t seconds) { return sys_seconds(std::chrono::seconds(seconds)); }
std::int64_t from_time(sys_seconds t) { return t.time_since_epoch().count(); }

// Everything a reader of a feed sees of a post; a change here is a visible change.
std::string visible_hash(const Post& post) {
  common::Sha256 hash;
  hash.field(post.lang).field(post.title).field(post.content_html).field(post.summary);
  hash.field(post.url).field(post.slug).field(post.author).field(join(post.tags));
  hash.field(join(post.categories)).field(std::to_string(from_time(post.published)));
  hash.field(post.updated ? std::to_string(from_time(*post.updated)) : "");
  hash.field(post.draft ? "draft" : "").field(post.translation_key);
  return hash.hex();
}

IndexedPost row_to_post(SQLite::Statement& row) {
  IndexedPost out;
  Post& post = out.post;
  post.key = row.getColumn(0).getString();
  out.entry_id = row.getColumn(1).getString();
  post.source_path = row.getColumn(2).getString();
  post.source_line = row.getColumn(3).getInt();
  post.position = row.getColumn(4).getInt();
  post.format = static_cast<SourceFormat>(row.getColumn(5).getInt());
  post.lang = row.getColumn(6).getString();
  post.title = row.getColumn(7).getString();
  post.content_html = row.getColumn(8).getString();
  post.summary = row.getColumn(9).getString();
  post.url = row.getColumn(10).getString();
  post.slug = row.getColumn(11).getString();
  post.author = row.getColumn(12).getString();
  post.tags = split(row.getColumn(13).getString());
  post.categories = split(row.getColumn(14).getString());
  post.published = to_time(row.getColumn(15).getInt64());
  if (!row.getColumn(16).isNull()) {
    post.updated = to_time(row.getColumn(16).getInt64());
  }
  post.local_date = row.getColumn(17).getString();
  post.draft = row.getColumn(18).getInt() != 0;
  post.translation_key = row.getColumn(19).getString();
  post.previous_title = row.getColumn(20).getString();
  post.next_title = row.getColumn(21).getString();
  out.first_seen = to_time(row.getColumn(22).getInt64());
  out.updated = to_time(row.getColumn(23).getInt64());
  if (!row.getColumn(24).isNull()) {
    out.deleted_at = to_time(row.getColumn(24).getInt64());
  }
  return out;
}

std::string encode_problems(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& problem : problems) {
    out += std::to_string(problem.line) + '\t' + problem.reason + '\n';
  }
  return out;
}

std::vector<Problem> decode_problems(const std::string& path, const std::string& text) {
  std::vector<Problem> problems;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end - start);
    auto tab = line.find('\t');
    if (tab != std::string::npos) {
      problems.push_back({path, std::atoi(line.c_str()), line.substr(tab + 1)});
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return problems;
}

// Version 2 (see schema.sql): the topic catalog's query, answered from an index alone. Without
// it SQLite reads each post's row through its content (overflow pages) to reach the tags:
// ~60 ms per regeneration at 10,000 posts, ~7 ms with it.
constexpr const char* kTopicIndexSql =
    "CREATE INDEX posts_topics ON posts (published DESC, source_path DESC, position DESC, key, "
    "lang, entry_id, updated, tags, categories) WHERE deleted_at IS NULL AND draft = 0";

// Forward migrations: kMigrations[v] takes the schema from version v to v + 1.
const std::vector<const char*> kMigrations = {kSchemaSql, kTopicIndexSql};

}  // namespace

struct Index::Impl {
  SQLite::Database db;
  std::string base_url;
  // Prepared statements by SQL text: preparing costs more than running for one-row statements.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements;

  // A prepared statement, reset and with its bindings cleared.
  SQLite::Statement& cached(const std::string& sql) {
    auto& slot = statements[sql];
    if (!slot) {
      slot = std::make_unique<SQLite::Statement>(db, sql);
    } else {
      slot->reset();
      slot->clearBindings();
    }
    return *slot;
  }

  Impl(const std::filesystem::path& path, std::string url, Index::Mode mode)
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

  // "file:PATH?immutable=1": read without locks or a -shm file, so that a read-only
  // directory can still be read (a -wal file left there is ignored).
  static std::string immutable_uri(const std::filesystem::path& path) {
    std::string uri = "file:";
    const auto plain = [](unsigned char c) { return c != '%' && c != '?' && c != '#'; };
    common::append_percent_encoded(uri, std::filesystem::absolute(path).string(), plain);
    return uri + "?immutable=1";
  }

  // Checks that this is a feedd index of a known schema (reading the schema also finds a
  // damaged first page) and migrates it forward. Damage elsewhere shows when it is read.
  void migrate(Index::Mode mode) {
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

  // The source file of the live post with `key`, if there is one.
  std::optional<std::string> live_owner(const std::string& key) {
    auto& query = cached("SELECT source_path FROM posts WHERE key = ? AND deleted_at IS NULL");
    query.bind(1, key);
    if (!query.executeStep()) {
      return std::nullopt;
    }
    return query.getColumn(0).getString();
  }

  void bind_post(SQLite::Statement& statement, const Post& post, const std::string& hash) {
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

  // Writes a post the index has never had (under its key).
  void insert_post(const Post& post, const std::string& hash, sys_seconds now) {
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
    // A post's first version was last changed when it was written: its own dates.
    insert.bind(":updated", from_time(post.updated.value_or(post.published)));
    insert.exec();
  }

  // Inserts or updates one post; returns what happened to the result counters.
  void upsert(const Post& post, sys_seconds now, ApplyResult& result) {
    std::string hash = visible_hash(post);
    auto& existing = cached(
        "SELECT visible_sha256, deleted_at, source_path, source_line, position, "
        "previous_title, next_title, lang, draft, published FROM posts WHERE key = ?");
    existing.bind(1, post.key);
    // When what a reader sees changes: the author's `updated` if given, else now (never
    // before the post's own date).
    sys_seconds visible_change = post.updated.value_or(std::max(now, post.published));
    if (!existing.executeStep()) {
      insert_post(post, hash, now);
      ++result.added;
      return;
    }
    bool visible_same = existing.getColumn(0).getString() == hash;
    bool was_deleted = !existing.getColumn(1).isNull();
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
    if (visible_same && !was_deleted && place_same) {
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
        (visible_same ? "" : ", updated = :updated") + " WHERE key = :key");
    bind_post(update, post, hash);
    if (!visible_same) {
      update.bind(":updated", from_time(visible_change));
    }
    update.exec();
    if (was_deleted) {
      ++result.added;
    } else if (!visible_same) {
      ++result.changed;
    }
  }

  // Marks the live posts of `path` deleted, except those whose keys are in `keep`.
  void delete_posts_of(const std::string& path, const std::unordered_set<std::string>& keep,
                       sys_seconds now, ApplyResult& result) {
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
      auto& mark = cached("UPDATE posts SET deleted_at = ? WHERE key = ?");
      mark.bind(1, from_time(now));
      mark.bind(2, key);
      mark.exec();
      ++result.deleted;
    }
  }

  std::vector<IndexedPost> select(const std::string& where, const std::string& tail,
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
};

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

std::unordered_map<std::string, FileState> Index::file_states() {
  using States = std::unordered_map<std::string, FileState>;
  return guard_sqlite("reading file states", [&]() -> States {
    States states;
    SQLite::Statement query(impl_->db, "SELECT path, size, mtime_ns, sha256, problems FROM files");
    while (query.executeStep()) {
      auto path = query.getColumn(0).getString();
      FileState state;
      state.size = query.getColumn(1).getInt64();
      state.mtime_ns = query.getColumn(2).getInt64();
      state.sha256 = query.getColumn(3).getString();
      state.problems = decode_problems(path, query.getColumn(4).getString());
      states.emplace(std::move(path), std::move(state));
    }
    return states;
  });
}

// The state of one scan being applied: which keys this scan has given to which file.
struct Index::ScanWriter::State {
  Index::Impl& impl;
  sys_seconds now;
  std::unordered_set<std::string> touched;               // paths this scan reads or removes
  std::unordered_map<std::string, std::string> claimed;  // key -> path, in this scan
  SQLite::Transaction transaction;
  ApplyResult result;

  State(Index::Impl& i, sys_seconds n, std::unordered_set<std::string> t)
      : impl(i), now(n), touched(std::move(t)), transaction(i.db) {}
};

Index::ScanWriter::ScanWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
Index::ScanWriter::ScanWriter(ScanWriter&&) noexcept = default;
Index::ScanWriter::~ScanWriter() = default;  // the transaction rolls back unless committed

Index::ScanWriter Index::begin_scan(sys_seconds now, std::unordered_set<std::string> touched) {
  return guard_sqlite("starting a scan", [&]() -> Index::ScanWriter {
    return ScanWriter(std::make_unique<ScanWriter::State>(*impl_, now, std::move(touched)));
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
        impl.upsert(post, state_->now, result);
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
        impl.delete_posts_of(read.path, keys, state_->now, result);
      }
    }
  });
}

void Index::ScanWriter::remove(const std::vector<std::string>& paths) {
  auto& impl = state_->impl;
  guard_sqlite("updating the index (rolled back)", [&] {
    for (const auto& path : paths) {
      impl.delete_posts_of(path, {}, state_->now, state_->result);
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

std::optional<FileState> Index::file_state(const std::string& path) {
  return guard_sqlite("reading a file state", [&]() -> std::optional<FileState> {
    auto& query =
        impl_->cached("SELECT size, mtime_ns, sha256, problems FROM files WHERE path = ?");
    query.bind(1, path);
    if (!query.executeStep()) {
      return std::nullopt;
    }
    FileState state;
    state.size = query.getColumn(0).getInt64();
    state.mtime_ns = query.getColumn(1).getInt64();
    state.sha256 = query.getColumn(2).getString();
    state.problems = decode_problems(path, query.getColumn(3).getString());
    return state;
  });
}

std::vector<std::string> Index::files_under(const std::string& directory) {
  return guard_sqlite("listing indexed files", [&]() -> std::vector<std::string> {
    // '/' + 1 is '0': [dir/, dir0) is exactly the paths that start with "dir/".
    auto& query =
        impl_->cached("SELECT path FROM files WHERE path >= ? AND path < ? ORDER BY path");
    query.bind(1, directory + "/");
    query.bind(2, directory + "0");
    std::vector<std::string> paths;
    while (query.executeStep()) {
      paths.push_back(query.getColumn(0).getString());
    }
    return paths;
  });
}

std::int64_t Index::count_published(const std::string& lang, sys_seconds now) {
  return guard_sqlite("counting posts", [&]() -> std::int64_t {
    auto& query =
        impl_->cached(lang.empty() ? std::string("SELECT COUNT(*) FROM posts WHERE ") + kLive
                                   : std::string("SELECT COUNT(*) FROM posts WHERE ") + kLive +
                                         " AND lang = :lang");
    query.bind(":now", from_time(now));
    if (!lang.empty()) {
      query.bind(":lang", lang);
    }
    query.executeStep();
    return query.getColumn(0).getInt64();
  });
}

ApplyResult Index::apply(const ScanBatch& batch, sys_seconds now) {
  std::unordered_set<std::string> touched(batch.removed.begin(), batch.removed.end());
  for (const auto& read : batch.reads) {
    touched.insert(read.path);
  }
  auto writer = begin_scan(now, std::move(touched));
  writer.add(batch.reads);
  writer.remove(batch.removed);
  return writer.commit();
}

std::vector<IndexedPost> Index::newest(const std::string& lang, sys_seconds now, int limit) {
  return guard_sqlite("querying posts", [&]() -> std::vector<IndexedPost> {
    std::string where = kLive;
    if (!lang.empty()) {
      where += " AND lang = :lang";
    }
    return impl_->select(where,
                         "ORDER BY published DESC, source_path DESC, position DESC LIMIT :limit",
                         [&](SQLite::Statement& q) {
                           q.bind(":now", from_time(now));
                           if (!lang.empty()) {
                             q.bind(":lang", lang);
                           }
                           q.bind(":limit", limit);
                         });
  });
}

std::vector<IndexedPost> Index::translations_of(const IndexedPost& indexed, sys_seconds now) {
  const Post& post = indexed.post;
  return guard_sqlite("querying translations", [&]() -> std::vector<IndexedPost> {
    if (!post.translation_key.empty()) {
      return impl_->select(std::string(kLive) +
                               // The `!= ''` lets SQLite use the partial index (it cannot
                               // tell that the bound value is not empty).
                               " AND translation_key = :tk AND translation_key != ''"
                               " AND lang != :lang AND key != :key",
                           "ORDER BY lang", [&](SQLite::Statement& q) {
                             q.bind(":now", from_time(now));
                             q.bind(":tk", post.translation_key);
                             q.bind(":lang", post.lang);
                             q.bind(":key", post.key);
                           });
    }
    if (post.format != SourceFormat::page_text) {
      return {};
    }
    auto candidates = impl_->select(std::string(kLive) +
                                        " AND local_date = :date AND lang != :lang AND format = "
                                        ":format AND translation_key = ''",
                                    "ORDER BY source_path, position", [&](SQLite::Statement& q) {
                                      q.bind(":now", from_time(now));
                                      q.bind(":date", post.local_date);
                                      q.bind(":lang", post.lang);
                                      q.bind(":format", static_cast<int>(SourceFormat::page_text));
                                    });
    std::vector<Post> plain;
    plain.reserve(candidates.size());
    for (const auto& candidate : candidates) {
      plain.push_back(candidate.post);
    }
    std::vector<IndexedPost> picked;
    for (auto i : pick_page_text_translations(post, plain)) {
      picked.push_back(std::move(candidates[i]));
    }
    return picked;
  });
}

std::vector<PostTopics> Index::published_topics(sys_seconds now) {
  return guard_sqlite("querying topics", [&]() -> std::vector<PostTopics> {
    auto& query = impl_->cached(
        std::string("SELECT key, lang, entry_id, updated, tags, categories FROM posts "
                    "INDEXED BY posts_topics WHERE ") +
        kLive + " AND (tags != '' OR categories != '') " +
        "ORDER BY published DESC, source_path DESC, position DESC");
    query.bind(":now", from_time(now));
    std::vector<PostTopics> posts;
    while (query.executeStep()) {
      posts.push_back(
          PostTopics{query.getColumn(0).getString(), query.getColumn(1).getString(),
                     query.getColumn(2).getString(), to_time(query.getColumn(3).getInt64()),
                     split(query.getColumn(4).getString()), split(query.getColumn(5).getString())});
    }
    return posts;
  });
}

std::vector<IndexedPost> Index::posts_by_keys(const std::vector<std::string>& keys) {
  return guard_sqlite("querying posts by key", [&]() -> std::vector<IndexedPost> {
    std::vector<IndexedPost> posts;
    for (const std::string& key : keys) {
      auto found = impl_->select("key = :key AND deleted_at IS NULL", "",
                                 [&](SQLite::Statement& q) { q.bind(":key", key); });
      posts.insert(posts.end(), found.begin(), found.end());
    }
    return posts;
  });
}

std::vector<Problem> Index::problems() {
  return guard_sqlite("reading problems", [&]() -> std::vector<Problem> {
    std::vector<Problem> problems;
    SQLite::Statement query(impl_->db,
                            "SELECT path, problems FROM files WHERE problems != '' ORDER BY path");
    while (query.executeStep()) {
      auto decoded =
          decode_problems(query.getColumn(0).getString(), query.getColumn(1).getString());
      problems.insert(problems.end(), decoded.begin(), decoded.end());
    }
    return problems;
  });
}

std::optional<sys_seconds> Index::next_publication_after(sys_seconds now) {
  return guard_sqlite("querying scheduled posts", [&]() -> std::optional<sys_seconds> {
    SQLite::Statement query(impl_->db,
                            "SELECT MIN(published) FROM posts WHERE deleted_at IS NULL AND "
                            "draft = 0 AND published > ?");
    query.bind(1, from_time(now));
    if (query.executeStep() && !query.getColumn(0).isNull()) {
      return to_time(query.getColumn(0).getInt64());
    }
    return std::nullopt;
  });
}

}  // namespace feedd::storage
