// Index::Impl's writes of one post (Index::ScanWriter calls them inside its transaction):
// insert, update against the stored row, mark deleted. See index_impl.h.
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "storage/index/entry_id.h"
#include "storage/index/index_impl.h"
#include "storage/index/post_rows.h"
#include "storage/index/updated_time.h"

namespace feedd::storage {

using std::chrono::sys_seconds;

using rows::from_time;
using rows::join;
using rows::to_time;

std::optional<std::string> Index::Impl::live_owner(const std::string& key) {
  auto query = cached("SELECT source_path FROM posts WHERE key = ? AND deleted_at IS NULL");
  query->bind(1, key);
  if (!query->executeStep()) {
    return std::nullopt;
  }
  return query->getColumn(0).getString();
}

void Index::Impl::bind_post(SQLite::Statement& statement, const Post& post,
                            const std::string& hash) {
  auto [found, made] = post_params.try_emplace(&statement);
  PostParams& p = found->second;
  if (made) {
    const auto number = [&statement](const char* name) { return statement.getIndex(name); };
    p = {number(":key"),
         number(":source_path"),
         number(":source_line"),
         number(":position"),
         number(":format"),
         number(":lang"),
         number(":title"),
         number(":content_html"),
         number(":summary"),
         number(":url"),
         number(":slug"),
         number(":author"),
         number(":tags"),
         number(":categories"),
         number(":published"),
         number(":explicit_updated"),
         number(":local_date"),
         number(":draft"),
         number(":translation_key"),
         number(":previous_title"),
         number(":next_title"),
         number(":visible_sha256")};
  }
  statement.bindNoCopy(p.key, post.key);
  statement.bindNoCopy(p.source_path, post.source_path);
  statement.bind(p.source_line, post.source_line);
  statement.bind(p.position, post.position);
  statement.bind(p.format, static_cast<int>(post.format));
  statement.bindNoCopy(p.lang, post.lang);
  statement.bindNoCopy(p.title, post.title);
  statement.bindNoCopy(p.content_html, post.content_html);
  statement.bindNoCopy(p.summary, post.summary);
  statement.bindNoCopy(p.url, post.url);
  statement.bindNoCopy(p.slug, post.slug);
  statement.bindNoCopy(p.author, post.author);
  statement.bind(p.tags, join(post.tags));  // copied: the joined string is a temporary
  statement.bind(p.categories, join(post.categories));
  statement.bind(p.published, from_time(post.published));
  if (post.updated) {
    statement.bind(p.explicit_updated, from_time(*post.updated));
  } else {
    statement.bind(p.explicit_updated);
  }
  statement.bindNoCopy(p.local_date, post.local_date);
  statement.bind(p.draft, post.draft ? 1 : 0);
  statement.bindNoCopy(p.translation_key, post.translation_key);
  statement.bindNoCopy(p.previous_title, post.previous_title);
  statement.bindNoCopy(p.next_title, post.next_title);
  statement.bindNoCopy(p.visible_sha256, hash);
}

void Index::Impl::insert_post(const Post& post, const std::string& hash, sys_seconds now,
                              sys_seconds updated) {
  auto insert = cached(
      "INSERT INTO posts (key, entry_id, source_path, source_line, position, format, lang, "
      "title, content_html, summary, url, slug, author, tags, categories, published, "
      "explicit_updated, local_date, draft, translation_key, previous_title, next_title, "
      "visible_sha256, first_seen, updated, deleted_at) VALUES (:key, :entry_id, "
      ":source_path, :source_line, :position, :format, :lang, :title, :content_html, "
      ":summary, :url, :slug, :author, :tags, :categories, :published, :explicit_updated, "
      ":local_date, :draft, :translation_key, :previous_title, :next_title, "
      ":visible_sha256, :first_seen, :updated, NULL)");
  bind_post(*insert, post, hash);
  insert->bind(":entry_id", make_entry_id(base_url, post.local_date, post.key));
  insert->bind(":first_seen", from_time(now));
  insert->bind(":updated", from_time(updated));
  insert->exec();
}

void Index::Impl::insert_new(const Post& post, const std::string& hash, sys_seconds now,
                             ChangeClock* clock, ApplyResult& result) {
  insert_post(post, hash, now, updated_time(post, hash, Seen::fresh, {}, now, clock));
  ++result.added;
  result.keys_written.push_back(post.key);
}

void Index::Impl::upsert(const Post& post, const std::string& hash, sys_seconds now,
                         ChangeClock* clock, bool reread, ApplyResult& result) {
  auto existing = cached(
      "SELECT visible_sha256, deleted_at, source_path, source_line, position, "
      "previous_title, next_title, lang, draft, published, updated, local_date FROM posts "
      "WHERE key = ?");
  existing->bind(1, post.key);
  if (!existing->executeStep()) {
    insert_new(post, hash, now, clock, result);
    return;
  }
  const StoredChange change = compare_stored(*existing, post, hash, now, clock, reread);
  if (change.reclassified) {
    result.reclassified = true;
  }
  if (change.visible_same && !change.was_deleted && change.place_same && !change.updated) {
    return;  // nothing to write
  }
  update_post(post, hash, change);
  result.keys_written.push_back(post.key);
  if (change.was_deleted) {
    ++result.added;
  } else if (!change.visible_same || change.updated) {
    ++result.changed;
  }
}

Index::Impl::StoredChange Index::Impl::compare_stored(const SQLite::Statement& row,
                                                      const Post& post, const std::string& hash,
                                                      sys_seconds now, ChangeClock* clock,
                                                      bool reread) {
  StoredChange change;
  change.visible_same = row.getColumn(0).getString() == hash;
  change.was_deleted = !row.getColumn(1).isNull();
  // Published until this scan and not after it: it leaves the feeds now (RFC 6721).
  const bool was_published = !change.was_deleted && row.getColumn(8).getInt() == 0 &&
                             row.getColumn(9).getInt64() <= from_time(now);
  change.goes_away = was_published && (post.draft || post.published > now);
  change.reclassified = row.getColumn(7).getString() != post.lang ||
                        (row.getColumn(8).getInt() != 0) != post.draft ||
                        row.getColumn(9).getInt64() != from_time(post.published);
  change.place_same = row.getColumn(2).getString() == post.source_path &&
                      row.getColumn(3).getInt() == post.source_line &&
                      row.getColumn(4).getInt() == post.position &&
                      row.getColumn(5).getString() == post.previous_title &&
                      row.getColumn(6).getString() == post.next_title &&
                      row.getColumn(11).getString() == post.local_date;
  // A history may tell a new time for the same content (an edit seen before its commit).
  const sys_seconds stored = to_time(row.getColumn(10).getInt64());
  change.gone_at = tombstone_time(now, stored);
  if (!change.visible_same && reread) {
    // The bytes indexed, read with other settings (a new time zone moved a date-only post):
    // nothing was edited, so no edit time. An `updated` that was the post's own date follows
    // the date as a new index gives it; a later one (an edit seen) stays, but never before the
    // post's new date.
    const auto fresh = updated_time(post, hash, Seen::fresh, {}, now, clock);
    const bool was_its_date = stored == to_time(row.getColumn(9).getInt64());
    const auto time = post.updated || was_its_date ? fresh : std::max(stored, fresh);
    if (time != stored) {
      change.updated = time;
    }
  } else if (!change.visible_same || clock != nullptr) {
    auto time = updated_time(post, hash, change.visible_same ? Seen::same : Seen::changed, stored,
                             now, clock);
    if (time != stored) {
      change.updated = time;
    }
  }
  return change;
}

void Index::Impl::update_post(const Post& post, const std::string& hash,
                              const StoredChange& change) {
  auto update = cached(
      std::string("UPDATE posts SET source_path = :source_path, source_line = :source_line, "
                  "position = :position, format = :format, lang = :lang, title = :title, "
                  "content_html = :content_html, summary = :summary, url = :url, slug = :slug, "
                  "author = :author, tags = :tags, categories = :categories, "
                  "published = :published, explicit_updated = :explicit_updated, "
                  "local_date = :local_date, draft = :draft, "
                  "translation_key = :translation_key, previous_title = :previous_title, "
                  "next_title = :next_title, visible_sha256 = :visible_sha256, "
                  "deleted_at = NULL") +
      (change.updated ? ", updated = :updated" : "") +
      (change.goes_away ? ", gone_at = :gone_at" : "") + " WHERE key = :key");
  bind_post(*update, post, hash);
  if (change.updated) {
    update->bind(":updated", from_time(*change.updated));
  }
  if (change.goes_away) {
    update->bind(":gone_at", from_time(change.gone_at));
  }
  update->exec();
}

void Index::Impl::delete_posts_of(const std::string& path,
                                  const std::unordered_set<std::string>& keep, sys_seconds now,
                                  ChangeClock* clock, ApplyResult& result) {
  auto live = cached("SELECT key, updated FROM posts WHERE source_path = ? AND deleted_at IS NULL");
  live->bind(1, path);
  std::vector<std::pair<std::string, sys_seconds>> gone;  // key, updated
  while (live->executeStep()) {
    auto key = live->getColumn(0).getString();
    if (!keep.contains(key)) {
      gone.emplace_back(std::move(key), to_time(live->getColumn(1).getInt64()));
    }
  }
  for (const auto& [key, updated] : gone) {
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
    auto mark = cached(
        "UPDATE posts SET deleted_at = :when, gone_at = CASE WHEN draft = 0 AND published <= :now "
        "THEN :gone ELSE gone_at END WHERE key = :key");
    mark->bind(":when", from_time(when));
    mark->bind(":gone", from_time(tombstone_time(when, updated)));
    mark->bind(":now", from_time(now));
    mark->bind(":key", key);
    mark->exec();
    ++result.deleted;
    result.keys_written.push_back(key);
  }
}

void Index::Impl::redate_deletions_of(const std::string& path, ChangeClock& clock,
                                      ApplyResult& result) {
  auto deleted = cached(
      "SELECT key, updated, deleted_at FROM posts WHERE source_path = ? AND "
      "deleted_at IS NOT NULL");
  deleted->bind(1, path);
  struct Deleted {
    std::string key;
    sys_seconds updated;
    sys_seconds at;
  };
  std::vector<Deleted> rows;
  while (deleted->executeStep()) {
    rows.push_back({deleted->getColumn(0).getString(), to_time(deleted->getColumn(1).getInt64()),
                    to_time(deleted->getColumn(2).getInt64())});
  }
  for (const auto& row : rows) {
    const auto time = clock.last_change(path, row.key, std::nullopt);
    if (time.source != StoreTime::Source::commit || time.at == row.at) {
      continue;
    }
    // The tombstone as delete_posts_of() would have written it then: only for a post that was
    // in the feeds when it went.
    auto mark = cached(
        "UPDATE posts SET deleted_at = :when, gone_at = CASE WHEN draft = 0 AND published <= "
        ":then THEN :gone ELSE gone_at END WHERE key = :key");
    mark->bind(":when", from_time(time.at));
    mark->bind(":gone", from_time(tombstone_time(time.at, row.updated)));
    mark->bind(":then", from_time(row.at));
    mark->bind(":key", row.key);
    mark->exec();
    ++result.changed;
    result.keys_written.push_back(row.key);
  }
}

}  // namespace feedd::storage
