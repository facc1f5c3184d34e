#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/index/index.h"
#include "storage/index/index_impl.h"
#include "storage/index/post_rows.h"

// RFC 6721 tombstones: the schema step that remembers when a published post went away
// (posts.gone_at), and the query the Atom feeds read them with. Writing gone_at is part of
// a scan (index.cpp: upsert, delete_posts_of).
namespace feedd::storage {

namespace index_detail {

// Schema step 3 (see schema.sql). Posts deleted before it was there keep a tombstone when they
// were published at the time: their deleted_at is when they went away.
const char* const kTombstonesSql =
    "ALTER TABLE posts ADD COLUMN gone_at INTEGER;"
    "UPDATE posts SET gone_at = deleted_at WHERE deleted_at IS NOT NULL AND draft = 0 AND "
    "published <= deleted_at;"
    "CREATE INDEX posts_gone ON posts (gone_at DESC, key) WHERE gone_at IS NOT NULL;";

}  // namespace index_detail

std::vector<GonePost> Index::gone_posts(const std::string& lang, std::chrono::sys_seconds now,
                                        std::chrono::sys_seconds since, int limit) {
  using rows::from_time;
  return index_detail::guard_sqlite("querying deleted posts", [&]() -> std::vector<GonePost> {
    // A post that came back (published again at `now`) has no tombstone.
    std::string sql = std::string(
                          "SELECT entry_id, gone_at FROM posts INDEXED BY posts_gone WHERE "
                          "gone_at IS NOT NULL AND gone_at >= :since AND NOT (") +
                      index_detail::kLive + ")";
    if (!lang.empty()) {
      sql += " AND lang = :lang";
    }
    sql += " ORDER BY gone_at DESC, key LIMIT :limit";
    auto query = impl_->cached(sql);
    query->bind(":since", from_time(since));
    query->bind(":now", from_time(now));
    if (!lang.empty()) {
      query->bind(":lang", lang);
    }
    query->bind(":limit", limit);
    std::vector<GonePost> gone;
    while (query->executeStep()) {
      gone.push_back(
          GonePost{query->getColumn(0).getString(), rows::to_time(query->getColumn(1).getInt64())});
    }
    return gone;
  });
}

namespace {

// A text column's bytes (NULs too), valid until the statement steps again.
std::string_view text_of(const SQLite::Column& column) {
  const char* text = column.getText();  // before getBytes(): it may convert the value
  return std::string_view(text, static_cast<std::size_t>(column.getBytes()));
}

}  // namespace

std::vector<PostTopics> Index::gone_topics(std::chrono::sys_seconds now,
                                           std::chrono::sys_seconds since) {
  return index_detail::guard_sqlite("querying deleted posts", [&]() -> std::vector<PostTopics> {
    auto query = impl_->cached(
        std::string("SELECT key, lang, entry_id, gone_at, tags, categories FROM posts INDEXED BY "
                    "posts_gone WHERE gone_at IS NOT NULL AND gone_at >= :since AND NOT (") +
        index_detail::kLive + ") AND (tags != '' OR categories != '') ORDER BY gone_at DESC, key");
    query->bind(":since", rows::from_time(since));
    query->bind(":now", rows::from_time(now));
    std::vector<PostTopics> gone;
    while (query->executeStep()) {
      PostTopics post(PostTopics::Texts{.key = text_of(query->getColumn(0)),
                                        .lang = text_of(query->getColumn(1)),
                                        .entry_id = text_of(query->getColumn(2)),
                                        .source_path = {},
                                        .tags = text_of(query->getColumn(4)),
                                        .categories = text_of(query->getColumn(5))});
      post.updated = rows::to_time(query->getColumn(3).getInt64());
      gone.push_back(std::move(post));
    }
    return gone;
  });
}

std::optional<std::chrono::sys_seconds> Index::oldest_gone_since(std::chrono::sys_seconds since) {
  return index_detail::guard_sqlite(
      "querying deleted posts", [&]() -> std::optional<std::chrono::sys_seconds> {
        auto query = impl_->cached(
            "SELECT MIN(gone_at) FROM posts INDEXED BY posts_gone WHERE gone_at IS NOT NULL "
            "AND gone_at >= ?");
        query->bind(1, rows::from_time(since));
        if (query->executeStep() && !query->getColumn(0).isNull()) {
          return rows::to_time(query->getColumn(0).getInt64());
        }
        return std::nullopt;
      });
}

}  // namespace feedd::storage
