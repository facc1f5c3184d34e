// How a Post is stored in the index's `posts` and `files` rows and read back: lists joined
// with U+001F, times as Unix seconds, problems as "line\treason" lines, and the hash of what
// a feed reader sees. Pure functions; thread-safe; row_to_post throws SQLite::Exception only
// for a row that lacks kPostColumns' columns (a bug).
#pragma once

#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/index/index.h"
#include "storage/post.h"
#include "storage/problem.h"

namespace feedd::storage::rows {

// The columns of a post row, in the order row_to_post() reads them.
inline constexpr const char* kPostColumns =
    "key, entry_id, source_path, source_line, position, format, lang, title, content_html, "
    "summary, url, slug, author, tags, categories, published, explicit_updated, local_date, "
    "draft, translation_key, previous_title, next_title, first_seen, updated, deleted_at";

// kPostColumns without the two large ones, which read as "": for rows that only name a post.
inline constexpr const char* kPostColumnsWithoutBody =
    "key, entry_id, source_path, source_line, position, format, lang, title, '' AS content_html, "
    "'' AS summary, url, slug, author, tags, categories, published, explicit_updated, local_date, "
    "draft, translation_key, previous_title, next_title, first_seen, updated, deleted_at";

// Tags and categories in one column; an empty list is "".
std::string join(const std::vector<std::string>& items);
std::vector<std::string> split(std::string_view joined);

inline std::chrono::sys_seconds to_time(std::int64_t seconds) {
  return std::chrono::sys_seconds(std::chrono::seconds(seconds));
}
inline std::int64_t from_time(std::chrono::sys_seconds t) { return t.time_since_epoch().count(); }

// Everything a reader of a feed sees of a post (hex SHA-256); a change here is a visible change.
std::string visible_hash(const Post& post);
// The first 64 bits of such a hex hash (PostTopics::visible_hash); 0 when it is not hex.
std::uint64_t hash_prefix(std::string_view hex);
// PostTopics::visible_hash of a post with these columns: the first 64 bits of its
// visible_sha256 and, for a page-text post paired within its day (no translation_key), its
// navigation lines, which decide its day's pairs without being shown.
std::uint64_t topics_hash(std::string_view visible_sha256, std::string_view translation_key,
                          SourceFormat format, std::string_view previous_title,
                          std::string_view next_title);
// PostTopics::translation_group of a post with these columns: the same on every run (the
// digests it goes into are kept in built_files), 0 for a post no translation can pair with.
std::uint64_t translation_group(std::string_view translation_key, std::string_view local_date,
                                SourceFormat format);

// A row selected with kPostColumns.
IndexedPost row_to_post(SQLite::Statement& row);

// A file's problems in its `files` row, and back (with the file's path).
std::string encode_problems(const std::vector<Problem>& problems);
std::vector<Problem> decode_problems(const std::string& path, const std::string& text);

}  // namespace feedd::storage::rows
