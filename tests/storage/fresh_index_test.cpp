// A fresh index is written beside the index without a journal and takes its place only when
// published; until then the index is untouched and nothing is left behind. Index::is_new()
// tells an index that has never been written from one that lost its store but keeps ids,
// tombstones or built files.
#include "storage/index/fresh_index.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sys/file.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "tests/support/index_fixtures.h"
#include "tests/support/test_support.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(fresh_index_test)

namespace {

using testing::apply_reads;
using testing::file_read;
using testing::index_post;
const std::chrono::sys_seconds kT0 = testing::kIndexT0;
constexpr const char* kBase = "https://blog.example.org/";

bool file_exists(const std::filesystem::path& path, const char* suffix = "") {
  return std::filesystem::exists(path.string() + suffix);
}

std::vector<std::string> titles(Index& index) {
  std::vector<std::string> out;
  for (const auto& post : index.newest("", kT0, -1)) {
    out.push_back(post.post.title);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_published_index_takes_the_place_of_the_old_one_in_wal_mode) {
  testing::TempDir dir;
  const auto path = dir / "index.sqlite";
  {
    Index old(path, kBase);
    apply_reads(old, {file_read("old.md", {index_post("old", "old.md", "Old", "en")})}, kT0);
  }
  // What a killed process leaves beside the index: it must not be applied to the new file.
  testing::write_file(dir / "index.sqlite-wal", std::string(4096, 'w'));
  FreshIndex fresh(path, kBase, FreshIndex::lock_first_scans(path));
  const auto staging = FreshIndex::staging_path(path);
  BOOST_TEST(staging == dir / "index.sqlite.new");
  apply_reads(fresh.index(),
              {file_read("a.md", {index_post("a", "a.md", "A", "en")}),
               file_read("b.md", {index_post("b", "b.md", "B", "ja")})},
              kT0);
  // Committed, still open: written without a journal (WAL mode would keep a -wal open).
  BOOST_TEST(file_exists(staging));
  BOOST_TEST(!file_exists(staging, "-wal"));
  BOOST_TEST(!file_exists(staging, "-journal"));
  fresh.publish();
  BOOST_TEST(!file_exists(staging));
  BOOST_TEST(!file_exists(path, "-wal"));

  Index index(path, kBase);
  BOOST_TEST(titles(index) == (std::vector<std::string>{"A", "B"}),
             boost::test_tools::per_element());
  SQLite::Database other(path.string(), SQLite::OPEN_READONLY);
  BOOST_TEST(other.execAndGet("PRAGMA journal_mode").getString() == "wal");
  BOOST_TEST(other.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

BOOST_AUTO_TEST_CASE(an_index_not_published_leaves_the_old_one_and_no_file) {
  testing::TempDir dir;
  const auto path = dir / "index.sqlite";
  {
    Index old(path, kBase);
    apply_reads(old, {file_read("old.md", {index_post("old", "old.md", "Old", "en")})}, kT0);
  }
  {
    FreshIndex fresh(path, kBase, FreshIndex::lock_first_scans(path));
    apply_reads(fresh.index(), {file_read("a.md", {index_post("a", "a.md", "A", "en")})}, kT0);
    BOOST_TEST(file_exists(FreshIndex::staging_path(path)));
  }
  BOOST_TEST(!file_exists(FreshIndex::staging_path(path)));
  Index index(path, kBase);
  BOOST_TEST(titles(index) == (std::vector<std::string>{"Old"}), boost::test_tools::per_element());
}

// A rename that fails (here the index's name is taken by a directory, which even root
// cannot rename a file over) is the state directory's fault: publish() says so, what holds
// the name is untouched, and the new file goes when the FreshIndex does.
BOOST_AUTO_TEST_CASE(a_publish_that_cannot_rename_leaves_the_name_as_it_was) {
  testing::TempDir dir;
  const auto path = dir / "index.sqlite";
  std::filesystem::create_directory(path);
  testing::write_file(path / "kept", "kept");
  const auto staging = FreshIndex::staging_path(path);
  {
    FreshIndex fresh(path, kBase, FreshIndex::lock_first_scans(path));
    apply_reads(fresh.index(), {file_read("a.md", {index_post("a", "a.md", "A", "en")})}, kT0);
    try {
      fresh.publish();
      BOOST_FAIL("publish() over a directory succeeded");
    } catch (const IndexError& error) {
      BOOST_TEST((error.fault() == IndexFault::not_writable));
      BOOST_TEST(std::string(error.what()).find("rename into place") != std::string::npos,
                 error.what());
    }
    BOOST_TEST(file_exists(staging));
  }
  BOOST_TEST(!file_exists(staging));
  BOOST_TEST(std::filesystem::is_directory(path));
  BOOST_TEST(testing::read_file(path / "kept") == "kept");
}

BOOST_AUTO_TEST_CASE(a_new_file_left_by_a_killed_process_is_started_again) {
  testing::TempDir dir;
  const auto path = dir / "index.sqlite";
  const auto staging = FreshIndex::staging_path(path);
  testing::write_file(staging, std::string(20000, 'x'));  // not a database: opening it fails
  testing::write_file(staging.string() + "-journal", std::string(512, 'j'));
  FreshIndex fresh(path, kBase, FreshIndex::lock_first_scans(path));
  apply_reads(fresh.index(), {file_read("a.md", {index_post("a", "a.md", "A", "en")})}, kT0);
  BOOST_TEST(!file_exists(staging, "-journal"));
  fresh.publish();
  Index index(path, kBase);
  BOOST_TEST(titles(index) == (std::vector<std::string>{"A"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(one_new_index_of_a_directory_is_written_at_a_time) {
  testing::TempDir dir;
  const auto path = dir / "index.sqlite";
  // Another process's view: a lock on the directory of its own open file description.
  const auto try_lock = [&] {
    const common::UniqueFd other(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY));
    return ::flock(other.get(), LOCK_EX | LOCK_NB) == 0;
  };
  {
    FreshIndex fresh(path, kBase, FreshIndex::lock_first_scans(path));
    BOOST_TEST(!try_lock());
    fresh.publish();
    BOOST_TEST(!try_lock());  // until the index is gone
  }
  BOOST_TEST(try_lock());
}

BOOST_AUTO_TEST_CASE(a_linked_index_is_replaced_where_the_link_points) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "data");
  std::filesystem::create_directories(dir / "state");
  const auto target = dir / "data/index.sqlite";
  const auto link = dir / "state/index.sqlite";
  { Index empty(target, kBase); }
  std::filesystem::create_symlink(target, link);
  BOOST_TEST(FreshIndex::staging_path(link) == dir / "data/index.sqlite.new");
  FreshIndex fresh(link, kBase, FreshIndex::lock_first_scans(link));
  apply_reads(fresh.index(), {file_read("a.md", {index_post("a", "a.md", "A", "en")})}, kT0);
  fresh.publish();
  BOOST_TEST(std::filesystem::is_symlink(link));
  Index index(link, kBase);
  BOOST_TEST(titles(index) == (std::vector<std::string>{"A"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_index_is_new_until_any_table_holds_a_row) {
  testing::TempDir dir;
  {
    Index index(dir / "posts.sqlite", kBase);
    BOOST_TEST(index.is_new());
    apply_reads(index, {file_read("a.md", {index_post("a", "a.md", "A", "en")})}, kT0);
    BOOST_TEST(!index.is_new());
    // The store emptied: no file is indexed, but the post's id and tombstone are kept.
    apply_reads(index, {}, kT0 + std::chrono::hours{1}, {"a.md"});
    BOOST_TEST(!index.holds_files());
    BOOST_TEST(!index.is_new());
  }
  Index built(dir / "built.sqlite", kBase);
  built.record_built_files("/out", {{"feed.xml", BuiltFile{"digest", 10, 20}}});
  BOOST_TEST(!built.is_new());
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace feedd::storage
