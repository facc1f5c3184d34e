#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <bit>
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
using rows::split;
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

void Index::visit_file_stamps(const std::function<void(const FileStamp&)>& visit) {
  guard_sqlite("reading file states", [&] {
    // BINARY collation compares bytes as memcmp does, then lengths: std::string's order.
    SQLite::Statement query(impl_->db,
                            "SELECT path, size, mtime_ns, sha256 FROM files ORDER BY path");
    while (query.executeStep()) {
      const auto text = [&query](int column) {
        auto value = query.getColumn(column);
        return std::string_view(static_cast<const char*>(value.getBlob()),
                                static_cast<std::size_t>(value.getBytes()));
      };
      visit({text(0), query.getColumn(1).getInt64(), query.getColumn(2).getInt64(), text(3)});
    }
  });
}

bool Index::holds_files() {
  return guard_sqlite("reading file states", [&] {
    auto& query = impl_->cached("SELECT EXISTS (SELECT 1 FROM files)");
    const bool any = query.executeStep() && query.getColumn(0).getInt() != 0;
    query.reset();
    return any;
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
    auto rows = select(
        "translation_key IN " + list + " AND translation_key != '' AND " + kLive,
        "ORDER BY lang, key",  // not rowid: an index rebuilt from the store numbers rows anew
        [&](SQLite::Statement& q) {
          bind_list(q);
          q.bind(":now", from_time(now));
        },
        Bodies::left_out);
    for (IndexedPost& row : rows) {
      by_key[row.post.translation_key].push_back(std::move(row));
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

PostTopics topic_row(SQLite::Statement& query) {
  const std::string_view translation_key = query.getColumn(10).getText();
  const auto format = static_cast<SourceFormat>(query.getColumn(12).getInt());
  return PostTopics{
      query.getColumn(0).getString(),
      query.getColumn(1).getString(),
      query.getColumn(2).getString(),
      to_time(query.getColumn(3).getInt64()),
      split(query.getColumn(4).getString()),
      split(query.getColumn(5).getString()),
      to_time(query.getColumn(6).getInt64()),
      query.getColumn(7).getString(),
      query.getColumn(8).getInt(),
      rows::topics_hash(query.getColumn(9).getText(), translation_key, format,
                        query.getColumn(13).getText(), query.getColumn(14).getText()),
      rows::translation_group(translation_key, query.getColumn(11).getText(), format)};
}

}  // namespace

void Index::visit_published_topics(sys_seconds now,
                                   const std::function<void(PostTopics&&)>& visit) {
  guard_sqlite("querying topics", [&] {
    auto& query =
        impl_->cached(std::string(kTopicColumns) + "INDEXED BY posts_topics WHERE " + kLive +
                      " ORDER BY published DESC, source_path DESC, position DESC");
    query.bind(":now", from_time(now));
    try {
      while (query.executeStep()) {
        visit(topic_row(query));
      }
    } catch (...) {
      query.reset();  // not left mid-way, holding the WAL snapshot it reads
      throw;
    }
    query.reset();
  });
}

std::vector<PostTopics> Index::published_topics_of(const std::vector<std::string>& keys,
                                                   sys_seconds now) {
  return guard_sqlite("querying topics", [&]() -> std::vector<PostTopics> {
    auto& query = impl_->cached(std::string(kTopicColumns) + "WHERE key = :key AND " + kLive);
    std::vector<PostTopics> posts;
    for (const std::string& key : keys) {
      query.reset();
      query.bind(":key", key);
      query.bind(":now", from_time(now));
      while (query.executeStep()) {
        posts.push_back(topic_row(query));
      }
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
    auto& query = impl_->cached(
        "SELECT key FROM posts INDEXED BY posts_by_published WHERE deleted_at IS NULL AND "
        "draft = 0 AND published > ? AND published <= ?");
    query.bind(1, from_time(after));
    query.bind(2, from_time(until));
    std::vector<std::string> keys;
    while (query.executeStep()) {
      keys.push_back(query.getColumn(0).getString());
    }
    return keys;
  });
}

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

}  // namespace feedd::storage
