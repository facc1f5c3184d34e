// RFC 6721 tombstones in the index: a published post that goes away (file deleted, entry
// removed, turned draft, dated into the future) is remembered with the time of the scan that
// took it away, per language; one never published leaves none; one that comes back loses
// its tombstone and keeps its id; the window and the limit hold; the state survives
// reopening, and a schema-2 index is migrated with the posts it had deleted.
#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/test/unit_test.hpp>

#include "storage/index/index.h"
#include "tests/support/index_fixtures.h"
#include "tests/support/test_support.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(tombstones_test)

namespace {

using namespace std::chrono_literals;
using std::chrono::sys_seconds;

const sys_seconds kT0 = testing::kIndexT0;
const sys_seconds kLongAgo = kT0 - 24h * 365;

Post make_post(const std::string& key, std::string lang = "en") {
  return testing::index_post(key, key + ".md", "Post " + key, std::move(lang));
}

// Applies one file per post (its key names the file), or removes `removed`.
void scan(Index& index, const std::vector<Post>& posts, sys_seconds now,
          const std::vector<std::string>& removed = {}) {
  std::vector<FileRead> reads;
  for (const Post& post : posts) {
    reads.push_back(
        testing::file_read(post.source_path, {post},
                           post.title + (post.draft ? "d" : "") +
                               std::to_string(post.published.time_since_epoch().count()),
                           {}, now.time_since_epoch().count()));
  }
  std::vector<std::string> removed_paths;
  for (const auto& path : removed) {
    removed_paths.push_back(path + ".md");
  }
  testing::apply_reads(index, std::move(reads), now, std::move(removed_paths));
}

std::vector<std::string> ids(const std::vector<GonePost>& gone) {
  std::vector<std::string> out;
  for (const auto& post : gone) {
    out.push_back(post.entry_id.substr(post.entry_id.rfind(':') + 1));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_way_of_going_away_leaves_a_tombstone_with_its_time) {
  Index index(":memory:", "https://blog.example.org/");
  scan(index,
       {make_post("deleted"), make_post("draft"), make_post("future"), make_post("kept"),
        make_post("ja", "ja")},
       kT0);
  BOOST_TEST(index.gone_posts("", kT0, kLongAgo, 20).empty());
  scan(index, {}, kT0 + 1h, {"deleted"});
  Post draft = make_post("draft");
  draft.draft = true;
  scan(index, {draft}, kT0 + 2h);
  Post future = make_post("future");
  future.published = kT0 + 24h * 10;
  scan(index, {future}, kT0 + 3h);
  scan(index, {}, kT0 + 4h, {"ja"});

  const auto gone = index.gone_posts("", kT0 + 5h, kLongAgo, 20);
  BOOST_TEST(ids(gone) == (std::vector<std::string>{"ja", "future", "draft", "deleted"}),
             boost::test_tools::per_element());
  BOOST_TEST((gone.at(0).gone_at == kT0 + 4h));
  BOOST_TEST((gone.at(3).gone_at == kT0 + 1h));
  BOOST_TEST(gone.at(3).entry_id == "tag:blog.example.org,2025-04-29:deleted");
  BOOST_TEST(ids(index.gone_posts("en", kT0 + 5h, kLongAgo, 20)) ==
                 (std::vector<std::string>{"future", "draft", "deleted"}),
             boost::test_tools::per_element());
  BOOST_TEST(ids(index.gone_posts("ja", kT0 + 5h, kLongAgo, 20)) == std::vector<std::string>{"ja"},
             boost::test_tools::per_element());
  // The window (`since`) and the limit.
  BOOST_TEST(ids(index.gone_posts("", kT0 + 5h, kT0 + 2h, 20)) ==
                 (std::vector<std::string>{"ja", "future", "draft"}),
             boost::test_tools::per_element());
  BOOST_TEST(index.gone_posts("", kT0 + 5h, kLongAgo, 1).size() == 1u);
  BOOST_TEST((index.oldest_gone_since(kT0 + 90min) == kT0 + 2h));
  BOOST_TEST(!index.oldest_gone_since(kT0 + 5h).has_value());
}

// Edits faster than one a second move `updated` a little ahead of the clock
// (updated_time.h); a tombstone then takes that time, never older than the entry it removes.
// An author's `updated` beyond that lead is not followed.
BOOST_AUTO_TEST_CASE(a_tombstone_is_never_older_than_the_entry_it_removes) {
  Index index(":memory:", "https://blog.example.org/");
  Post deleted = make_post("deleted");
  Post draft = make_post("draft");
  Post later = make_post("later");
  later.updated = kT0 + 1h;  // the author's
  scan(index, {deleted, draft, later}, kT0);
  for (const char* title : {"Edit 1", "Edit 2", "Edit 3"}) {
    deleted.title = title;
    draft.title = title;
    scan(index, {deleted, draft}, kT0);
  }
  for (const auto& post : index.newest("", kT0, 5)) {
    BOOST_TEST_INFO(post.post.key);
    BOOST_TEST((post.updated == (post.post.key == "later" ? kT0 + 1h : kT0 + 2s)));
  }
  scan(index, {}, kT0, {"deleted", "later"});
  draft.draft = true;
  scan(index, {draft}, kT0);
  const auto gone = index.gone_posts("", kT0 + 5h, kLongAgo, 20);
  BOOST_REQUIRE_EQUAL(gone.size(), 3u);
  for (const auto& post : gone) {
    const bool edited = post.entry_id.ends_with(":deleted") || post.entry_id.ends_with(":draft");
    BOOST_TEST_INFO(post.entry_id);
    BOOST_TEST((post.gone_at == (edited ? kT0 + 2s : kT0)));
  }
}

BOOST_AUTO_TEST_CASE(posts_never_published_leave_none) {
  Index index(":memory:", "https://blog.example.org/");
  Post draft = make_post("draft");
  draft.draft = true;
  Post future = make_post("future");
  future.published = kT0 + 24h;
  scan(index, {draft, future}, kT0);
  scan(index, {}, kT0 + 1h, {"draft", "future"});
  BOOST_TEST(index.gone_posts("", kT0 + 2h, kLongAgo, 20).empty());
  // A post turned draft and then deleted keeps the time it left the feeds.
  scan(index, {make_post("p")}, kT0 + 3h);
  Post p = make_post("p");
  p.draft = true;
  scan(index, {p}, kT0 + 4h);
  scan(index, {}, kT0 + 5h, {"p"});
  const auto gone = index.gone_posts("", kT0 + 6h, kLongAgo, 20);
  BOOST_REQUIRE_EQUAL(gone.size(), 1u);
  BOOST_TEST((gone[0].gone_at == kT0 + 4h));
}

BOOST_AUTO_TEST_CASE(a_post_that_comes_back_loses_its_tombstone_and_keeps_its_id) {
  Index index(":memory:", "https://blog.example.org/");
  scan(index, {make_post("a"), make_post("b")}, kT0);
  const std::string id = index.newest("", kT0, 10).at(1).entry_id;
  scan(index, {}, kT0 + 1h, {"a"});
  Post b = make_post("b");
  b.published = kT0 + 3h;  // away until its new date comes
  scan(index, {b}, kT0 + 1h);
  BOOST_TEST(index.gone_posts("", kT0 + 2h, kLongAgo, 20).size() == 2u);
  // b comes back by itself when its time comes; a when its file does.
  BOOST_TEST(ids(index.gone_posts("", kT0 + 3h, kLongAgo, 20)) == std::vector<std::string>{"a"},
             boost::test_tools::per_element());
  scan(index, {make_post("a")}, kT0 + 4h);
  BOOST_TEST(index.gone_posts("", kT0 + 4h, kLongAgo, 20).empty());
  const auto posts = index.newest("", kT0 + 4h, 10);
  BOOST_REQUIRE_EQUAL(posts.size(), 2u);
  BOOST_TEST(posts[1].entry_id == id);
  // Gone again: a new tombstone with the new time.
  scan(index, {}, kT0 + 5h, {"a"});
  const auto again = index.gone_posts("", kT0 + 5h, kLongAgo, 20);
  BOOST_REQUIRE_EQUAL(again.size(), 1u);
  BOOST_TEST((again[0].gone_at == kT0 + 5h));
}

BOOST_AUTO_TEST_CASE(tombstones_survive_reopening_and_schema_2_is_migrated) {
  testing::TempDir dir;
  const auto path = dir / "index.sqlite";
  {
    Index index(path, "https://blog.example.org/");
    scan(index, {make_post("a"), make_post("b")}, kT0);
    scan(index, {}, kT0 + 1h, {"a"});
  }
  {
    Index index(path, "https://blog.example.org/");
    BOOST_TEST(ids(index.gone_posts("", kT0 + 2h, kLongAgo, 20)) == std::vector<std::string>{"a"},
               boost::test_tools::per_element());
  }
  // Back to schema 2 as an older feedd left it: no gone_at, b deleted while published.
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(
        "DROP TABLE built_files; DROP INDEX posts_gone; ALTER TABLE posts DROP COLUMN gone_at; "
        "ALTER TABLE files DROP COLUMN reader; DROP TABLE store_root; "
        "UPDATE posts SET deleted_at = " +
        std::to_string((kT0 + 3h).time_since_epoch().count()) +
        " WHERE key = 'b'; PRAGMA user_version = 2");
  }
  Index index(path, "https://blog.example.org/");
  const auto gone = index.gone_posts("", kT0 + 4h, kLongAgo, 20);
  BOOST_TEST(ids(gone) == (std::vector<std::string>{"b", "a"}), boost::test_tools::per_element());
  BOOST_TEST((gone.at(0).gone_at == kT0 + 3h));
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  BOOST_TEST(db.execAndGet("PRAGMA user_version").getInt() == Index::kSchemaVersion);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
