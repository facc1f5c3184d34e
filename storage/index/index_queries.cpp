#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "storage/index/index.h"
#include "storage/index/index_impl.h"
#include "storage/index/post_rows.h"
#include "storage/index/translation_pairing.h"

// Index's reading queries (the writes and the opening are in index.cpp).
namespace feedd::storage {
namespace {

using index_detail::guard_sqlite;
using index_detail::kLive;
using rows::decode_problems;
using rows::from_time;
using rows::row_to_post;
using rows::to_time;
using std::chrono::sys_seconds;

// Values bound per statement at most: a power of two (see in_chunks()).
constexpr std::size_t kInChunk = 256;

// Calls `query(list, bind_list)` for each chunk of `values` (at most kInChunk): `list` is
// "(?1, ?2, ..., ?n)" with n the chunk's size rounded up to a power of two, so that a few
// cached statements serve every length, and `bind_list(statement)` binds the chunk there,
// padded with its first value (a repeat changes no IN). Nothing is called for no values.
template <class Query>
void in_chunks(const std::vector<std::string>& values, Query&& query) {
  for (std::size_t first = 0; first < values.size(); first += kInChunk) {
    const std::size_t count = std::min(kInChunk, values.size() - first);
    const std::size_t padded = std::bit_ceil(count);
    std::string list = "(";
    for (std::size_t i = 1; i <= padded; ++i) {
      list += (i == 1 ? "?" : ", ?") + std::to_string(i);
    }
    list += ')';
    query(list, [&](SQLite::Statement& statement) {
      for (std::size_t i = 0; i < padded; ++i) {
        statement.bind(static_cast<int>(i + 1), values[first + (i < count ? i : 0)]);
      }
    });
  }
}

// One day's page-text posts without a translation_key, in publication order, as
// pick_page_text_translations() takes them (`plain`) and as they are returned (`rows`).
struct PageTextDay {
  std::vector<IndexedPost> rows;
  std::vector<Post> plain;
};

// The translations of page-text `post` among its `day`.
std::vector<IndexedPost> page_text_translations(const Post& post, const PageTextDay& day) {
  std::size_t self = day.rows.size();
  for (std::size_t i = 0; i < day.rows.size(); ++i) {
    if (day.rows[i].post.key == post.key) {
      self = i;
    }
  }
  std::vector<IndexedPost> picked;
  for (auto i : pick_page_text_translations(self, day.plain)) {
    picked.push_back(day.rows[i]);
  }
  return picked;
}

}  // namespace

std::optional<FileState> Index::file_state(const std::string& path) {
  return guard_sqlite("reading a file state", [&]() -> std::optional<FileState> {
    auto query =
        impl_->cached("SELECT size, mtime_ns, sha256, problems, reader FROM files WHERE path = ?");
    query->bind(1, path);
    if (!query->executeStep()) {
      return std::nullopt;
    }
    FileState state;
    state.size = query->getColumn(0).getInt64();
    state.mtime_ns = query->getColumn(1).getInt64();
    state.sha256 = query->getColumn(2).getString();
    state.problems = decode_problems(path, query->getColumn(3).getString());
    state.reader = query->getColumn(4).getString();
    return state;
  });
}

void Index::visit_file_stamps(const std::function<void(const FileStamp&)>& visit) {
  guard_sqlite("reading file states", [&] {
    // BINARY collation compares bytes as memcmp does, then lengths: std::string's order.
    SQLite::Statement query(impl_->db,
                            "SELECT path, size, mtime_ns, sha256, reader FROM files ORDER BY path");
    while (query.executeStep()) {
      const auto text = [&query](int column) {
        auto value = query.getColumn(column);
        return std::string_view(static_cast<const char*>(value.getBlob()),
                                static_cast<std::size_t>(value.getBytes()));
      };
      visit({text(0), query.getColumn(1).getInt64(), query.getColumn(2).getInt64(), text(3),
             text(4)});
    }
  });
}

bool Index::holds_files() {
  return guard_sqlite("reading file states", [&] {
    auto query = impl_->cached("SELECT EXISTS (SELECT 1 FROM files)");
    return query->executeStep() && query->getColumn(0).getInt() != 0;
  });
}

std::optional<StoreRoot> Index::store_root() {
  return guard_sqlite("reading the store's root", [&]() -> std::optional<StoreRoot> {
    auto query = impl_->cached("SELECT device, inode FROM store_root WHERE id = 1");
    if (!query->executeStep()) {
      return std::nullopt;
    }
    return StoreRoot{static_cast<std::uint64_t>(query->getColumn(0).getInt64()),
                     static_cast<std::uint64_t>(query->getColumn(1).getInt64())};
  });
}

bool Index::is_new() {
  return guard_sqlite("reading the index's tables", [&] {
    std::vector<std::string> tables;
    SQLite::Statement list(impl_->db, "SELECT name FROM sqlite_schema WHERE type = 'table'");
    while (list.executeStep()) {
      tables.push_back(list.getColumn(0).getString());
    }
    return std::none_of(tables.begin(), tables.end(), [&](const std::string& table) {
      std::string quoted = "\"";
      for (const char c : table) {
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      }
      return impl_->db.execAndGet("SELECT EXISTS (SELECT 1 FROM " + quoted + "\")").getInt() != 0;
    });
  });
}

std::vector<std::string> Index::files_under(const std::string& directory) {
  return guard_sqlite("listing indexed files", [&]() -> std::vector<std::string> {
    // '/' + 1 is '0': [dir/, dir0) is exactly the paths that start with "dir/".
    auto query = impl_->cached("SELECT path FROM files WHERE path >= ? AND path < ? ORDER BY path");
    query->bind(1, directory + "/");
    query->bind(2, directory + "0");
    std::vector<std::string> paths;
    while (query->executeStep()) {
      paths.push_back(query->getColumn(0).getString());
    }
    return paths;
  });
}

std::int64_t Index::count_published(const std::string& lang, sys_seconds now) {
  return guard_sqlite("counting posts", [&]() -> std::int64_t {
    auto query =
        impl_->cached(lang.empty() ? std::string("SELECT COUNT(*) FROM posts WHERE ") + kLive
                                   : std::string("SELECT COUNT(*) FROM posts WHERE ") + kLive +
                                         " AND lang = :lang");
    query->bind(":now", from_time(now));
    if (!lang.empty()) {
      query->bind(":lang", lang);
    }
    query->executeStep();
    return query->getColumn(0).getInt64();
  });
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

std::vector<IndexedPost> Index::newest_page(const std::string& lang, sys_seconds now, int limit,
                                            const IndexedPost* after) {
  return guard_sqlite("querying posts", [&]() -> std::vector<IndexedPost> {
    std::string where = kLive;
    if (!lang.empty()) {
      where += " AND lang = :lang";
    }
    // newest()'s order, then the key: a file with problems keeps the last good version of
    // posts it no longer yields, so two live posts can share (published, source_path,
    // position), and a page must not end between them without telling them apart.
    // The plain `published <= :published` is implied by the row value, but only it bounds
    // the index range: without it SQLite walked the index from the newest post to the
    // cursor on every page (~100 ms a page deep in a million posts, against ~1 ms).
    if (after != nullptr) {
      where +=
          " AND published <= :published AND (published, source_path, position, key) < "
          "(:published, :source_path, :position, :key)";
    }
    return impl_->select(
        where, "ORDER BY published DESC, source_path DESC, position DESC, key DESC LIMIT :limit",
        [&](SQLite::Statement& q) {
          q.bind(":now", from_time(now));
          if (!lang.empty()) {
            q.bind(":lang", lang);
          }
          if (after != nullptr) {
            q.bind(":published", from_time(after->post.published));
            q.bind(":source_path", after->post.source_path);
            q.bind(":position", after->post.position);
            q.bind(":key", after->post.key);
          }
          q.bind(":limit", limit);
        },
        Impl::Bodies::left_out);
  });
}

std::vector<IndexedPost> Index::translations_of(const IndexedPost& indexed, sys_seconds now) {
  return std::move(translations_of(std::span(&indexed, 1), now).front());
}

std::unordered_map<std::string, std::vector<IndexedPost>> Index::Impl::posts_by_translation_key(
    std::span<const IndexedPost> posts, sys_seconds now) {
  std::vector<std::string> keys;  // each once: a key in two chunks would read its rows twice
  std::unordered_set<std::string_view> listed;
  for (const IndexedPost& indexed : posts) {
    const std::string& key = indexed.post.translation_key;
    if (!key.empty() && listed.insert(key).second) {
      keys.push_back(key);
    }
  }
  std::unordered_map<std::string, std::vector<IndexedPost>> by_key;
  in_chunks(keys, [&](const std::string& list, const auto& bind_list) {
    // The `!= ''` lets SQLite use the partial index (it cannot tell that the bound values
    // are not empty). The list comes first: its parameters are ?1 to ?n, :now follows.
    auto query = cached(
        "SELECT key, lang, title, url, slug, published, translation_key FROM posts WHERE "
        "translation_key IN " +
        list + " AND translation_key != '' AND " + kLive +
        " ORDER BY lang, key");  // not rowid: an index rebuilt from the store numbers rows anew
    bind_list(*query);
    query->bind(":now", from_time(now));
    while (query->executeStep()) {
      IndexedPost row;
      Post& post = row.post;
      post.key = query->getColumn(0).getString();
      post.lang = query->getColumn(1).getString();
      post.title = query->getColumn(2).getString();
      post.url = query->getColumn(3).getString();
      post.slug = query->getColumn(4).getString();
      post.published = to_time(query->getColumn(5).getInt64());
      post.translation_key = query->getColumn(6).getString();
      by_key[post.translation_key].push_back(std::move(row));
    }
  });
  return by_key;
}

std::vector<IndexedPost> Index::Impl::page_text_day(const std::string& date, sys_seconds now) {
  return select(
      std::string(kLive) + " AND local_date = :date AND format = :format AND translation_key = ''",
      "ORDER BY published, position, source_path",
      [&](SQLite::Statement& q) {
        q.bind(":now", from_time(now));
        q.bind(":date", date);
        q.bind(":format", static_cast<int>(SourceFormat::page_text));
      },
      Bodies::left_out);
}

std::vector<std::vector<IndexedPost>> Index::translations_of(std::span<const IndexedPost> posts,
                                                             sys_seconds now) {
  return guard_sqlite("querying translations", [&] {
    std::vector<std::vector<IndexedPost>> out(posts.size());
    const auto by_key = impl_->posts_by_translation_key(posts, now);
    // Page-text posts without a key are paired within their day (translation_pairing.h),
    // decided for the whole day at once, so both posts of a pair see each other; each day
    // is read once.
    std::unordered_map<std::string, PageTextDay> days;
    for (std::size_t i = 0; i < posts.size(); ++i) {
      const Post& post = posts[i].post;
      if (!post.translation_key.empty()) {
        if (const auto found = by_key.find(post.translation_key); found != by_key.end()) {
          for (const IndexedPost& row : found->second) {  // by language, then key
            if (row.post.lang != post.lang &&
                (out[i].empty() || out[i].back().post.lang != row.post.lang)) {
              out[i].push_back(row);
            }
          }
        }
      } else if (post.format == SourceFormat::page_text) {
        auto [day, added] = days.try_emplace(post.local_date);
        if (added) {
          day->second.rows = impl_->page_text_day(post.local_date, now);
          for (const IndexedPost& row : day->second.rows) {
            day->second.plain.push_back(row.post);
          }
        }
        out[i] = page_text_translations(post, day->second);
      }
    }
    return out;
  });
}

std::vector<IndexedPost> Index::posts_by_keys(const std::vector<std::string>& keys) {
  return guard_sqlite("querying posts by key", [&]() -> std::vector<IndexedPost> {
    std::unordered_map<std::string, IndexedPost> found;
    in_chunks(keys, [&](const std::string& list, const auto& bind_list) {
      for (IndexedPost& row :
           impl_->select("key IN " + list + " AND deleted_at IS NULL", "", bind_list)) {
        std::string key = row.post.key;
        found.emplace(std::move(key), std::move(row));
      }
    });
    std::vector<IndexedPost> posts;
    posts.reserve(found.size());
    std::unordered_map<std::string_view, std::size_t> placed;  // a key asked for twice
    for (const std::string& key : keys) {
      if (const auto again = placed.find(key); again != placed.end()) {
        posts.push_back(posts[again->second]);
      } else if (const auto row = found.find(key); row != found.end()) {
        placed.emplace(row->first, posts.size());
        posts.push_back(std::move(row->second));
      }
    }
    return posts;
  });
}

namespace {

constexpr const char* kTopicColumns =
    "SELECT key, lang, entry_id, updated, tags, categories, published, source_path, position, "
    "visible_sha256, translation_key, local_date, format, previous_title, next_title FROM posts ";

// Column `i` of the current row as text (empty for NULL): a view valid until the next step.
std::string_view text_column(sqlite3_stmt* row, int i) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row, i));
  return text == nullptr
             ? std::string_view()
             : std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(row, i)));
}

// The current row of a kTopicColumns query.
PostTopics topic_row(sqlite3_stmt* row) {
  const std::string_view translation_key = text_column(row, 10);
  const auto format = static_cast<SourceFormat>(sqlite3_column_int(row, 12));
  PostTopics post(PostTopics::Texts{.key = text_column(row, 0),
                                    .lang = text_column(row, 1),
                                    .entry_id = text_column(row, 2),
                                    .source_path = text_column(row, 7),
                                    .tags = text_column(row, 4),
                                    .categories = text_column(row, 5)});
  post.updated = to_time(sqlite3_column_int64(row, 3));
  post.published = to_time(sqlite3_column_int64(row, 6));
  post.position = sqlite3_column_int(row, 8);
  post.visible_hash = rows::topics_hash(text_column(row, 9), translation_key, format,
                                        text_column(row, 13), text_column(row, 14));
  post.translation_group = rows::translation_group(translation_key, text_column(row, 11), format);
  return post;
}

// A kTopicColumns query on the C API: SQLiteCpp's getColumn() copies a shared pointer to the
// statement for each column (two atomic operations), 15 columns for each of a million rows
// when the catalogs are read. Finalized when it goes (which ends its read snapshot).
class TopicQuery {
 public:
  TopicQuery(SQLite::Database& db, const std::string& sql) : db_(db.getHandle()) {
    sqlite3_stmt* statement = nullptr;
    if (const int ret = sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr);
        ret != SQLITE_OK) {
      throw SQLite::Exception(db_, ret);
    }
    statement_.reset(statement);
  }

  // Binds `value` to the parameter `name`; a text is not copied: it must outlive the steps.
  void bind(const char* name, std::int64_t value) {
    check(sqlite3_bind_int64(statement_.get(), index(name), value));
  }
  void bind(const char* name, std::string_view text) {
    check(sqlite3_bind_text(statement_.get(), index(name), text.data(),
                            static_cast<int>(text.size()), SQLITE_STATIC));
  }
  // Hands each row to `visit`, then resets for new bindings.
  template <class Visit>
  void visit(Visit&& each) {
    int ret = SQLITE_ROW;
    while ((ret = sqlite3_step(statement_.get())) == SQLITE_ROW) {
      each(topic_row(statement_.get()));
    }
    sqlite3_reset(statement_.get());
    check(ret == SQLITE_DONE ? SQLITE_OK : ret);
  }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  int index(const char* name) const { return sqlite3_bind_parameter_index(statement_.get(), name); }
  void check(int ret) const {
    if (ret != SQLITE_OK) {
      throw SQLite::Exception(db_, ret);
    }
  }

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> statement_;
};

}  // namespace

void Index::visit_published_topics(sys_seconds now,
                                   const std::function<void(PostTopics&&)>& visit) {
  guard_sqlite("querying topics", [&] {
    TopicQuery query(impl_->db, std::string(kTopicColumns) + "INDEXED BY posts_topics WHERE " +
                                    kLive +
                                    " ORDER BY published DESC, source_path DESC, position DESC");
    query.bind(":now", from_time(now));
    query.visit(visit);
  });
}

std::vector<PostTopics> Index::published_topics_of(const std::vector<std::string>& keys,
                                                   sys_seconds now) {
  return guard_sqlite("querying topics", [&]() -> std::vector<PostTopics> {
    TopicQuery query(impl_->db, std::string(kTopicColumns) + "WHERE key = :key AND " + kLive);
    query.bind(":now", from_time(now));
    std::vector<PostTopics> posts;
    for (const std::string& key : keys) {
      query.bind(":key", key);
      query.visit([&](PostTopics&& row) { posts.push_back(std::move(row)); });
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

std::vector<std::string> Index::keys_published_between(sys_seconds after, sys_seconds until) {
  return guard_sqlite("querying scheduled posts", [&]() -> std::vector<std::string> {
    auto query = impl_->cached(
        "SELECT key FROM posts INDEXED BY posts_by_published WHERE deleted_at IS NULL AND "
        "draft = 0 AND published > ? AND published <= ?");
    query->bind(1, from_time(after));
    query->bind(2, from_time(until));
    std::vector<std::string> keys;
    while (query->executeStep()) {
      keys.push_back(query->getColumn(0).getString());
    }
    return keys;
  });
}

std::unordered_map<std::string, FileState> Index::file_states() {
  using States = std::unordered_map<std::string, FileState>;
  return guard_sqlite("reading file states", [&]() -> States {
    States states;
    SQLite::Statement query(impl_->db,
                            "SELECT path, size, mtime_ns, sha256, problems, reader FROM files");
    while (query.executeStep()) {
      auto path = query.getColumn(0).getString();
      FileState state;
      state.size = query.getColumn(1).getInt64();
      state.mtime_ns = query.getColumn(2).getInt64();
      state.sha256 = query.getColumn(3).getString();
      state.problems = decode_problems(path, query.getColumn(4).getString());
      state.reader = query.getColumn(5).getString();
      states.emplace(std::move(path), std::move(state));
    }
    return states;
  });
}

}  // namespace feedd::storage
