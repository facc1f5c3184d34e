#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>

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

std::vector<IndexedPost> Index::translations_of(const IndexedPost& indexed, sys_seconds now) {
  const Post& post = indexed.post;
  return guard_sqlite("querying translations", [&]() -> std::vector<IndexedPost> {
    if (!post.translation_key.empty()) {
      return impl_->select(
          std::string(kLive) +
              // The `!= ''` lets SQLite use the partial index (it cannot
              // tell that the bound value is not empty).
              " AND translation_key = :tk AND translation_key != ''"
              " AND lang != :lang AND key != :key",
          "ORDER BY lang",
          [&](SQLite::Statement& q) {
            q.bind(":now", from_time(now));
            q.bind(":tk", post.translation_key);
            q.bind(":lang", post.lang);
            q.bind(":key", post.key);
          },
          Impl::Bodies::left_out);
    }
    if (post.format != SourceFormat::page_text) {
      return {};
    }
    // The whole day, every language, in publication order: the pairing is decided for the day
    // at once, so both posts of a pair see each other (translation_pairing.h).
    auto day = impl_->select(
        std::string(kLive) +
            " AND local_date = :date AND format = :format AND translation_key = ''",
        "ORDER BY published, position, source_path",
        [&](SQLite::Statement& q) {
          q.bind(":now", from_time(now));
          q.bind(":date", post.local_date);
          q.bind(":format", static_cast<int>(SourceFormat::page_text));
        },
        Impl::Bodies::left_out);
    std::vector<Post> plain;
    plain.reserve(day.size());
    std::size_t self = day.size();
    for (std::size_t i = 0; i < day.size(); ++i) {
      if (day[i].post.key == post.key) {
        self = i;
      }
      plain.push_back(day[i].post);
    }
    std::vector<IndexedPost> picked;
    for (auto i : pick_page_text_translations(self, plain)) {
      picked.push_back(std::move(day[i]));
    }
    return picked;
  });
}

namespace {

constexpr const char* kTopicColumns =
    "SELECT key, lang, entry_id, updated, tags, categories, published, source_path, position "
    "FROM posts ";

PostTopics topic_row(SQLite::Statement& query) {
  return PostTopics{query.getColumn(0).getString(),
                    query.getColumn(1).getString(),
                    query.getColumn(2).getString(),
                    to_time(query.getColumn(3).getInt64()),
                    split(query.getColumn(4).getString()),
                    split(query.getColumn(5).getString()),
                    to_time(query.getColumn(6).getInt64()),
                    query.getColumn(7).getString(),
                    query.getColumn(8).getInt()};
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
