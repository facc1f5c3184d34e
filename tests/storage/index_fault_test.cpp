// What an index failure means: a real SQLite file damaged in each way the service meets
// (garbage, truncation, not a database, a future schema, a directory in its place) is
// "unusable"; a read-only one is "not writable"; moving one aside keeps its -wal and -shm.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <sys/mount.h>

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "storage/index/index.h"
#include "storage/index/index_aside.h"
#include "tests/support/test_support.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(index_fault_test)

namespace {

using namespace std::chrono_literals;
using std::chrono::sys_seconds;

const sys_seconds kT0 = std::chrono::sys_days{std::chrono::year{2025} / 4 / 30} + 0s;
constexpr const char* kBase = "https://blog.example.org/";

// An index of `count` posts at `path`, closed (checkpointed: no -wal left).
void make_index(const std::filesystem::path& path, int count) {
  Index index(path, kBase);
  ScanBatch batch;
  for (int i = 0; i < count; ++i) {
    FileRead read;
    read.path = "p" + std::to_string(i) + ".md";
    read.size = 1;
    read.mtime_ns = 1;
    read.sha256 = std::to_string(i);
    Post post;
    post.key = "p" + std::to_string(i);
    post.source_path = read.path;
    post.title = "Post " + std::to_string(i);
    post.lang = "en";
    post.content_html = "<p>" + std::string(600, 'a' + static_cast<char>(i % 26)) + "</p>";
    post.published = kT0 - std::chrono::hours(i);
    post.local_date = "2025-04-29";
    read.result.posts.push_back(post);
    batch.reads.push_back(read);
  }
  index.apply(batch, kT0);
}

// Opens `path` and reads everything a scan and a render would; the fault of the first
// failure (nullopt: it all worked).
std::optional<IndexFault> fault_of_using(const std::filesystem::path& path) {
  try {
    Index index(path, kBase);
    index.file_states();
    index.newest("", kT0, -1);
    index.count_published("en", kT0);
    return std::nullopt;
  } catch (const IndexError& error) {
    return error.fault();
  }
}

void overwrite(const std::filesystem::path& path, std::size_t offset, std::size_t length) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(offset));
  std::string garbage(length, '\0');
  for (std::size_t i = 0; i < length; ++i) {
    garbage[i] = static_cast<char>((i * 131 + 7) % 251);
  }
  file.write(garbage.data(), static_cast<std::streamsize>(length));
}

}  // namespace

BOOST_AUTO_TEST_CASE(damaged_indexes_are_unusable) {
  testing::TempDir dir;
  const auto path = dir / "index.sqlite";
  make_index(path, 200);
  BOOST_TEST(!fault_of_using(path).has_value());
  const auto size = std::filesystem::file_size(path);
  BOOST_REQUIRE(size > 100000u);

  auto copy = [&](const char* name) {
    std::filesystem::copy_file(path, dir / name);
    return dir / name;
  };
  const auto garbage = copy("garbage.sqlite");
  overwrite(garbage, size / 4, size / 2);  // whole pages in the middle
  const auto truncated = copy("truncated.sqlite");
  std::filesystem::resize_file(truncated, size / 2);
  const auto future = copy("future.sqlite");
  SQLite::Database(future.string(), SQLite::OPEN_READWRITE).exec("PRAGMA user_version = 99");
  const auto foreign = dir / "foreign.sqlite";
  SQLite::Database(foreign.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE)
      .exec("CREATE TABLE t (x); PRAGMA user_version = 1");
  testing::write_file(dir / "text.sqlite", std::string(5000, 'x'));
  std::filesystem::create_directory(dir / "directory.sqlite");

  for (const char* name : {"garbage.sqlite", "truncated.sqlite", "future.sqlite", "foreign.sqlite",
                           "text.sqlite", "directory.sqlite"}) {
    auto fault = fault_of_using(dir / name);
    BOOST_TEST((fault == IndexFault::unusable), name);
  }
}

BOOST_AUTO_TEST_CASE(sqlite_codes_map_to_faults) {
  BOOST_TEST((fault_of_sqlite_code(SQLITE_CORRUPT) == IndexFault::unusable));
  BOOST_TEST((fault_of_sqlite_code(SQLITE_NOTADB) == IndexFault::unusable));
  BOOST_TEST((fault_of_sqlite_code(SQLITE_IOERR_SHORT_READ) == IndexFault::unusable));
  BOOST_TEST((fault_of_sqlite_code(SQLITE_FULL) == IndexFault::not_writable));
  BOOST_TEST((fault_of_sqlite_code(SQLITE_READONLY) == IndexFault::not_writable));
  BOOST_TEST((fault_of_sqlite_code(SQLITE_IOERR_WRITE) == IndexFault::not_writable));
  BOOST_TEST((fault_of_sqlite_code(SQLITE_CANTOPEN) == IndexFault::not_writable));
  BOOST_TEST((fault_of_sqlite_code(SQLITE_BUSY) == IndexFault::other));
}

BOOST_AUTO_TEST_CASE(a_read_only_directory_is_not_writable_and_readable_read_only) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir / "rw");
  std::filesystem::create_directory(dir / "ro");
  make_index(dir / "rw/index.sqlite", 3);
  BOOST_REQUIRE_MESSAGE(
      mount((dir / "rw").c_str(), (dir / "ro").c_str(), nullptr, MS_BIND, nullptr) == 0 &&
          mount(nullptr, (dir / "ro").c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY,
                nullptr) == 0,
      "a read-only bind mount needs root (CAP_SYS_ADMIN)");
  struct Unmount {
    std::filesystem::path at;
    ~Unmount() { umount2(at.c_str(), MNT_DETACH); }
  } unmount{dir / "ro"};

  try {
    Index index(dir / "ro/index.sqlite", kBase);
    BOOST_FAIL("opened a read-only index for writing");
  } catch (const IndexError& error) {
    BOOST_TEST((error.fault() == IndexFault::not_writable), error.what());
  }
  try {
    Index index(dir / "ro/new.sqlite", kBase);
    BOOST_FAIL("created an index in a read-only directory");
  } catch (const IndexError& error) {
    BOOST_TEST((error.fault() == IndexFault::not_writable), error.what());
  }
  Index view(dir / "ro/index.sqlite", kBase, Index::Mode::read_only);
  BOOST_TEST(view.newest("", kT0, -1).size() == 3u);
  ScanBatch batch;
  batch.removed.push_back("p0.md");
  try {
    view.apply(batch, kT0);
    BOOST_FAIL("wrote through a read-only view");
  } catch (const IndexError& error) {
    BOOST_TEST((error.fault() == IndexFault::not_writable), error.what());
  }
}

BOOST_AUTO_TEST_CASE(moving_aside_takes_the_wal_and_shm_along_and_never_overwrites) {
  testing::TempDir dir;
  const auto path = dir / "index.sqlite";
  testing::write_file(path, "db");
  testing::write_file(dir / "index.sqlite-wal", "wal");
  testing::write_file(dir / "index.sqlite-shm", "shm");
  const sys_seconds at = kT0 + 3h + 4min + 5s;
  BOOST_TEST(corrupt_index_name(path, at) == dir / "index.sqlite.corrupt-20250430T030405Z");

  auto moved = move_index_aside(path, at);
  BOOST_REQUIRE(moved.has_value());
  BOOST_TEST(*moved == dir / "index.sqlite.corrupt-20250430T030405Z");
  BOOST_TEST(testing::read_file(*moved) == "db");
  BOOST_TEST(testing::read_file(dir / "index.sqlite.corrupt-20250430T030405Z-wal") == "wal");
  BOOST_TEST(testing::read_file(dir / "index.sqlite.corrupt-20250430T030405Z-shm") == "shm");
  BOOST_TEST(!std::filesystem::exists(path));
  BOOST_TEST(!std::filesystem::exists(dir / "index.sqlite-wal"));

  testing::write_file(path, "second");  // the same second again: a new name
  auto again = move_index_aside(path, at);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(*again == dir / "index.sqlite.corrupt-20250430T030405Z.2");
  BOOST_TEST(testing::read_file(*moved) == "db");

  BOOST_TEST(!move_index_aside(dir / "missing.sqlite", at).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
