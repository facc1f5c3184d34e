// Scanning a real store directory into a real SQLite file: change detection, renames, broken
// files, ignored names, unreadable files, and rebuilding a deleted index.
#include "storage/store_scan.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <date/tz.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <map>
#include <random>
#include <system_error>

#include "storage/readers/reader_fingerprint.h"
#include "storage/store_root.h"
#include "tests/support/test_support.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(store_scan_test)

namespace {

using namespace std::chrono_literals;
using std::chrono::sys_seconds;

const sys_seconds kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 0s;

ReaderOptions options() {
  ReaderOptions o;
  o.timezone = date::locate_zone("Asia/Tokyo");
  o.default_language = "ja";
  o.languages = {"ja", "en"};
  o.markers = {{"[Eng]", "en"}};
  return o;
}

std::string markdown(std::string_view title, std::string_view extra = "",
                     std::string_view body = "Body text.") {
  return "---\ntitle: " + std::string(title) + "\ndate: 2025-04-30\nlang: en\n" +
         std::string(extra) + "---\n" + std::string(body) + "\n";
}

// The paths of the files `index` holds, sorted.
std::vector<std::string> indexed_paths(Index& index) {
  std::vector<std::string> paths;
  for (const auto& [path, state] : index.file_states()) {
    paths.push_back(path);
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// The bytes of the index file once every connection is closed (WAL checkpointed).
std::string index_bytes(const std::filesystem::path& db) { return testing::read_file(db); }

struct Fixture {
  testing::TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::filesystem::path db = dir / "index.sqlite";
  ReaderOptions reader = options();

  ScanReport scan(sys_seconds now = kNow) {
    Index index(db, "https://blog.example.org/");
    return scan_store(index, store, reader, now);
  }
  std::vector<IndexedPost> posts(sys_seconds now = kNow) {
    Index index(db, "https://blog.example.org/");
    return index.newest("", now, -1);
  }
};

}  // namespace

// Paths in the index are relative to the store however store.path was spelled (a trailing
// slash, a doubled one, "." segments): the same files, never seen as renamed or new.
BOOST_FIXTURE_TEST_CASE(store_path_spelling_does_not_change_file_paths, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "sub/b.md", markdown("B"));
  const std::filesystem::path spellings[] = {store, store.string() + "/", store.string() + "//",
                                             dir / "." / "posts", dir / "posts" / "." / ""};
  for (const auto& root : spellings) {
    BOOST_TEST_CONTEXT("store.path " << root) {
      Index index(db, "https://blog.example.org/");
      auto report = scan_store(index, root, reader, kNow);
      BOOST_TEST(report.files_seen == 2);
      BOOST_TEST(report.applied.added + report.applied.deleted == (root == store ? 2 : 0));
      BOOST_TEST(indexed_paths(index) == (std::vector<std::string>{"a.md", "sub/b.md"}),
                 boost::test_tools::per_element());
    }
  }
}

// A listing cut short (here: no file descriptor left for a subdirectory, as when a busy
// server runs out of them) removes nothing: the files not listed are out of sight, not gone.
BOOST_FIXTURE_TEST_CASE(a_listing_cut_short_removes_nothing, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "sub/b.md", markdown("B"));
  testing::write_file(store / "sub/deeper/c.md", markdown("C"));
  BOOST_REQUIRE_EQUAL(scan().applied.added, 3);
  ScanReport report;
  {
    Index index(db, "https://blog.example.org/");
    // Descriptor numbers must stay below the soft limit: leave room for exactly one more, the
    // store directory's own; the listing needs a second one for the directory it reads, and
    // opening that fails with EMFILE.
    // UBSan's vptr check tests memory through a pipe: with no descriptor left it would call
    // the std::error_category the scan's error message needs invalid. It caches checks done
    // once, so make them here first (both categories libstdc++ may use).
    BOOST_TEST(!std::error_code(EMFILE, std::generic_category()).message().empty());
    BOOST_TEST(!std::error_code(EMFILE, std::system_category()).message().empty());
    const int lowest_free = dup(0);
    BOOST_REQUIRE_GE(lowest_free, 0);
    close(lowest_free);
    rlimit saved{};
    BOOST_REQUIRE_EQUAL(getrlimit(RLIMIT_NOFILE, &saved), 0);
    rlimit tight = saved;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free) + 1;
    BOOST_REQUIRE_EQUAL(setrlimit(RLIMIT_NOFILE, &tight), 0);
    report = scan_store(index, store, reader, kNow);
    BOOST_REQUIRE_EQUAL(setrlimit(RLIMIT_NOFILE, &saved), 0);
  }
  BOOST_TEST(report.listing_incomplete);
  BOOST_TEST(!report.unreadable.empty());
  BOOST_TEST(report.applied.deleted == 0);
  BOOST_TEST(posts().size() == 3u);
  // With descriptors back, the next scan lists everything and finds nothing changed.
  auto again = scan();
  BOOST_TEST(!again.listing_incomplete);
  BOOST_TEST(again.files_seen == 3);
  BOOST_TEST(posts().size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(unchanged_store_is_not_read_again, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "sub/b.md", markdown("B"));
  auto first = scan();
  BOOST_TEST(first.files_seen == 2);
  BOOST_TEST(first.applied.added == 2);
  auto before = index_bytes(db);
  auto second = scan(kNow + 1h);
  BOOST_TEST(second.files_read == 0);
  BOOST_TEST(!second.applied.wrote());
  BOOST_TEST((index_bytes(db) == before), "an unchanged store must not write to the index");
}

// A scan merges the sorted listing with the index's files in path order: every file new or
// edited is read, every other one is not, and every deleted one goes, wherever its name
// sorts among the others (before, between, after them; '-' sorts before '/', UTF-8 after
// ASCII).
BOOST_FIXTURE_TEST_CASE(listing_and_index_merge_in_path_order, Fixture) {
  const std::vector<std::string> names = {
      "a-b.md", "a/b.md",    "a/c.md",       "a0.md",     "b.md",       "b/z/y.md",
      "c.md",   "記事/1.md", "記事/日記.md", "記事-2.md", "zz/last.md", "A.md",
      "0.md",   "a/a.md",    "b/a.md",       "記事/0.md", "~tilde.md",  "zz/zz/z.md"};
  std::mt19937 random(12);
  std::map<std::string, int> live;  // name → its version in the store
  for (std::size_t i = 0; i < names.size(); i += 2) {
    live[names[i]] = 0;
  }
  // Each write gets an mtime of its own: an edit of the same size within one clock tick
  // would otherwise look unchanged (a coarse file system clock), and the test flaky.
  auto stamp = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
  const auto write = [&](const std::string& name, int version) {
    testing::write_file(store / name,
                        markdown(name + " v" + std::to_string(version),
                                 "id: " + std::to_string(std::hash<std::string>{}(name)) + "\n"));
    std::filesystem::last_write_time(store / name, stamp += std::chrono::seconds(1));
  };
  for (const auto& [name, version] : live) {
    write(name, version);
  }
  BOOST_TEST(scan().applied.added == static_cast<int>(live.size()));
  for (int round = 1; round <= 30; ++round) {
    int added = 0, edited = 0, deleted = 0;
    for (const auto& name : names) {
      const auto roll = random() % 4;
      if (!live.contains(name) && roll == 0) {
        write(name, live[name] = round);
        ++added;
      } else if (live.contains(name) && roll == 1) {
        write(name, live[name] = round);
        ++edited;
      } else if (live.contains(name) && roll == 2 && live.size() > 1) {
        std::filesystem::remove(store / name);
        live.erase(name);
        ++deleted;
      }
    }
    auto report = scan(kNow + std::chrono::hours(round));
    BOOST_TEST_CONTEXT("round " << round) {
      BOOST_TEST(report.files_seen == static_cast<int>(live.size()));
      BOOST_TEST(report.files_read == added + edited);
      BOOST_TEST(report.applied.added == added);
      BOOST_TEST(report.applied.changed == edited);
      BOOST_TEST(report.applied.deleted == deleted);
      Index index(db, "https://blog.example.org/");
      std::vector<std::string> indexed;
      for (const auto& [path, state] : index.file_states()) {
        indexed.push_back(path);
      }
      std::sort(indexed.begin(), indexed.end());
      std::vector<std::string> expected;
      for (const auto& entry : live) {
        expected.push_back(entry.first);
      }
      BOOST_TEST(indexed == expected, boost::test_tools::per_element());
    }
  }
}

// A file over store.max_file_bytes is not read; raising the bound reads it at the next scan,
// and a scan under the same bound does not read it again.
BOOST_FIXTURE_TEST_CASE(raising_the_size_bound_reads_a_file_too_large_before, Fixture) {
  testing::write_file(store / "small.md", markdown("Small"));
  testing::write_file(store / "large.md", markdown("Large", "", std::string(5000, 'x')));
  reader.max_file_bytes = 4096;
  auto first = scan();
  BOOST_TEST(first.applied.added == 1);
  BOOST_TEST(first.files_read == 2);  // the large one too: its size alone recorded
  BOOST_TEST(first.applied.problems.size() == 1u);
  auto same = scan(kNow + 1h);
  BOOST_TEST(same.files_read == 0);
  reader.max_file_bytes = 8192;
  auto raised = scan(kNow + 2h);
  BOOST_TEST(raised.files_read == 2);  // the bound is in the reader fingerprint
  BOOST_TEST(raised.applied.added == 1);
  BOOST_TEST(raised.applied.problems.empty());
  BOOST_TEST(posts(kNow + 2h).size() == 2u);
  BOOST_TEST(scan(kNow + 3h).files_read == 0);
  // Lowered again: the large file is a problem again, its last good post kept.
  reader.max_file_bytes = 4096;
  auto lowered = scan(kNow + 4h);
  BOOST_TEST(lowered.files_read == 2);
  BOOST_TEST(lowered.applied.problems.size() == 1u);
  BOOST_TEST(posts(kNow + 4h).size() == 2u);
}

// The index is a cache of the store *as read*: a post file read with other reader options
// (here site.timezone, for a date without a time, and a title marker) is read again though its
// bytes are the same, by a full scan as by a scan of named paths, and gives what a new index
// gives (dates, days, languages, and an `updated` that was the post's date), keeping what only
// the index knows (entry ids, an edit's time); a scan with the same options reads nothing again.
BOOST_FIXTURE_TEST_CASE(changed_reader_options_read_indexed_files_again, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));  // date: 2025-04-30, no time
  testing::write_file(store / "b.md",
                      "---\ntitle: \"[Eng] B\"\ndate: 2025-04-29T12:00:00+09:00\n---\n"
                      "日本語で書いた本文です。\n");
  testing::write_file(store / "c.md", markdown("C", "id: c\n"));
  scan(kNow - 2h);
  testing::write_file(store / "c.md", markdown("C", "id: c\n", "Edited."));  // an edit seen
  scan();
  const auto by_key = [](const std::vector<IndexedPost>& posts) {
    std::map<std::string, const IndexedPost*> keyed;
    for (const auto& post : posts) {
      keyed[post.post.key] = &post;
    }
    return keyed;
  };
  const auto tokyo = posts();
  BOOST_REQUIRE(tokyo.size() == 3u);
  BOOST_TEST((by_key(tokyo).at("c")->updated == kNow));
  BOOST_TEST(by_key(tokyo).at("a")->post.local_date == "2025-04-30");
  BOOST_TEST((by_key(tokyo).at("a")->post.published ==
              std::chrono::sys_days{std::chrono::year{2025} / 4 / 29} + 15h));
  BOOST_TEST(by_key(tokyo).at("b")->post.lang == "en");

  reader.timezone = date::locate_zone("America/New_York");
  const auto moved = scan(kNow + 1h);
  BOOST_TEST(moved.files_read == 3);
  BOOST_TEST(moved.files_parsed == 3);
  const auto new_york = posts(kNow + 1h);
  BOOST_REQUIRE(new_york.size() == 3u);
  BOOST_TEST((by_key(new_york).at("c")->updated == kNow));  // the edit's time stays
  BOOST_TEST((by_key(new_york).at("a")->post.published ==
              std::chrono::sys_days{std::chrono::year{2025} / 4 / 30} + 4h));
  BOOST_TEST(by_key(new_york).at("a")->post.local_date == "2025-04-30");
  BOOST_TEST(by_key(new_york).at("b")->post.local_date == "2025-04-28");
  BOOST_TEST(by_key(new_york).at("a")->entry_id == by_key(tokyo).at("a")->entry_id);
  BOOST_TEST(scan(kNow + 2h).files_read == 0);

  // What a new index makes of the same store with the same options.
  testing::TempDir other;
  {
    Index fresh(other / "index.sqlite", "https://blog.example.org/");
    scan_store(fresh, store, reader, kNow + 1h);
    const auto made = fresh.newest("", kNow + 1h, -1);
    BOOST_REQUIRE(made.size() == 3u);
    for (const auto& [key, post] : by_key(new_york)) {
      const auto& expected = *by_key(made).at(key);
      BOOST_TEST((post->post.published == expected.post.published), key);
      BOOST_TEST(post->post.local_date == expected.post.local_date, key);
      BOOST_TEST(post->post.lang == expected.post.lang, key);
      if (key != "c") {
        BOOST_TEST((post->updated == expected.updated), key);
      }
    }
  }

  // The marker [Eng] no longer names English: a scan of named paths reads b.md again too.
  reader.markers.clear();
  Index index(db, "https://blog.example.org/");
  const auto named = scan_paths(index, store, {"b.md"}, reader, kNow + 3h);
  BOOST_TEST(named.files_parsed == 1);
  const auto unmarked = index.newest("", kNow + 3h, -1);
  BOOST_REQUIRE(unmarked.size() == 3u);
  BOOST_TEST(by_key(unmarked).at("b")->post.lang == "ja");
  BOOST_TEST(by_key(unmarked).at("b")->post.title == "[Eng] B");
}

// An index written before files had a reader fingerprint (schema 6), or by an older revision
// of the readers, has files read with something else: the next scan reads them all again, once;
// posts it reads as before keep their `updated` and write nothing a reader sees.
BOOST_FIXTURE_TEST_CASE(files_read_by_older_readers_are_read_again_once, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "sub/b.md", markdown("B"));
  scan();
  // What each file was read with: the options and this process's tzdata and md4c.
  {
    Index index(db, "https://blog.example.org/");
    BOOST_TEST(index.file_state("a.md")->reader == reader_fingerprint(reader, library_versions()));
  }
  const auto before = posts();
  {
    SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE files SET reader = ''");
  }
  const auto again = scan(kNow + 1h);
  BOOST_TEST(again.files_read == 2);
  BOOST_TEST(again.files_parsed == 2);
  BOOST_TEST(again.applied.changed == 0);
  const auto after = posts(kNow + 1h);
  BOOST_REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    BOOST_TEST((after[i].updated == before[i].updated));
  }
  BOOST_TEST(scan(kNow + 2h).files_read == 0);
}

BOOST_FIXTURE_TEST_CASE(ignored_names_are_skipped, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / ".hidden.md", markdown("H"));
  testing::write_file(store / "a.md~", markdown("Backup"));
  testing::write_file(store / ".a.md.swp", "swap");
  testing::write_file(store / "#a.md#", markdown("Autosave"));
  testing::write_file(store / ".git/config.md", markdown("Git"));
  auto report = scan();
  BOOST_TEST(report.files_seen == 1);
  BOOST_TEST(posts().size() == 1u);
}

// The listing: posts at any depth under their path in the store; hidden directories at any
// depth skipped; a symbolic link to a post file listed (under the link's name), one to a
// directory not followed (its posts would be listed twice), a dangling one skipped.
BOOST_FIXTURE_TEST_CASE(the_listing_follows_links_to_files_not_to_directories, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "2025/01/02/b.md", markdown("B"));
  testing::write_file(store / "2025/01/.drafts/c.md", markdown("C"));
  testing::write_file(store / "2025/01/image.png", "png");
  testing::write_file(dir / "elsewhere/d.md", markdown("D"));
  std::filesystem::create_symlink(dir / "elsewhere/d.md", store / "2025/d-link.md");
  std::filesystem::create_symlink(store / "2025", store / "again");
  std::filesystem::create_symlink(dir / "elsewhere", store / "outside");
  std::filesystem::create_symlink(dir / "missing.md", store / "dangling.md");
  const auto report = scan();
  BOOST_TEST(report.files_seen == 3);
  BOOST_TEST_REQUIRE(report.unreadable.size() == 1u);  // a post file's name: said, not skipped
  BOOST_TEST(report.unreadable[0].to_string() ==
             "dangling.md: cannot read: a symbolic link to nothing");
  Index index(db, "https://blog.example.org/");
  BOOST_TEST(indexed_paths(index) ==
                 (std::vector<std::string>{"2025/01/02/b.md", "2025/d-link.md", "a.md"}),
             boost::test_tools::per_element());
  // A directory named to scan_paths (one that moved in) is listed the same way, under it.
  testing::write_file(store / "moved/.hidden/e.md", markdown("E"));
  testing::write_file(store / "moved/f.md", markdown("F"));
  std::filesystem::create_symlink(store / "2025", store / "moved/link");
  const auto moved = scan_paths(index, store, {"moved/"}, reader, kNow + 1h);
  BOOST_TEST(moved.files_seen == 1);
  BOOST_TEST(index.file_state("moved/f.md").has_value());
}

BOOST_FIXTURE_TEST_CASE(renamed_file_with_id_keeps_its_entry_id, Fixture) {
  testing::write_file(store / "old-name.md", markdown("A", "id: keep-me\n"));
  scan();
  auto before = posts();
  std::filesystem::create_directories(store / "moved");
  std::filesystem::rename(store / "old-name.md", store / "moved/new-name.md");
  auto report = scan(kNow + 1h);
  BOOST_TEST(report.applied.deleted == 0);
  auto after = posts(kNow + 1h);
  BOOST_REQUIRE_EQUAL(after.size(), 1u);
  BOOST_TEST(after[0].entry_id == before[0].entry_id);
  BOOST_TEST((after[0].updated == before[0].updated));
  BOOST_TEST(after[0].post.source_path == "moved/new-name.md");
}

BOOST_FIXTURE_TEST_CASE(edit_changes_updated_only_when_visible, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  scan();
  auto original = posts()[0];
  // Same visible content, new bytes (a trailing blank line): updated stays.
  testing::write_file(store / "a.md", markdown("A") + "\n\n");
  auto touched = scan(kNow + 1h);
  BOOST_TEST(touched.files_parsed == 1);
  BOOST_TEST((posts(kNow + 1h)[0].updated == original.updated));
  // Visible edit: updated moves to the time it was seen.
  testing::write_file(store / "a.md", markdown("A", "", "New body."));
  scan(kNow + 2h);
  auto edited = posts(kNow + 2h)[0];
  BOOST_TEST((edited.updated == kNow + 2h));
  BOOST_TEST(edited.entry_id == original.entry_id);
}

// A file of several posts (a Movable Type export): the scan hashes each post's visible
// content on its reader threads; an edit of the second post moves only its updated time.
BOOST_FIXTURE_TEST_CASE(edit_of_one_post_in_an_export_moves_only_its_updated, Fixture) {
  auto entry = [](std::string_view basename, std::string_view body) {
    return "AUTHOR: Hanako\nTITLE: " + std::string(basename) +
           "\nBASENAME: " + std::string(basename) +
           "\nSTATUS: Publish\nDATE: 04/30/2025 11:30:00 PM\n-----\n" + "BODY:\n" +
           std::string(body) + "\n-----\n--------\n";
  };
  testing::write_file(store / "blog.mt.txt", entry("first", "One.") + entry("second", "Two."));
  scan();
  auto updated_of = [&](sys_seconds now) {
    std::map<std::string, sys_seconds> updated;
    for (const auto& post : posts(now)) {
      updated[post.post.key] = post.updated;
    }
    return updated;
  };
  const auto before = updated_of(kNow);
  BOOST_TEST_REQUIRE(before.size() == 2u);
  testing::write_file(store / "blog.mt.txt", entry("first", "One.") + entry("second", "Two!"));
  BOOST_TEST(scan(kNow + 1h).applied.changed == 1);
  const auto after = updated_of(kNow + 1h);
  BOOST_TEST_REQUIRE(after.size() == 2u);
  BOOST_TEST((after.at("first") == before.at("first")));
  BOOST_TEST((after.at("second") == kNow + 1h));
}

BOOST_FIXTURE_TEST_CASE(broken_file_keeps_its_last_good_version, Fixture) {
  testing::write_file(store / "a.md", markdown("Good"));
  scan();
  testing::write_file(store / "a.md", "---\ntitle: [unclosed\n");
  auto report = scan(kNow + 1h);
  BOOST_TEST(!report.applied.problems.empty());
  auto kept = posts(kNow + 1h);
  BOOST_REQUIRE_EQUAL(kept.size(), 1u);
  BOOST_TEST(kept[0].post.title == "Good");
  Index index(db, "https://blog.example.org/");
  BOOST_TEST(!index.problems().empty());
  BOOST_TEST(index.problems()[0].path == "a.md");
}

BOOST_FIXTURE_TEST_CASE(deleted_file_removes_post_from_feeds, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "b.md", markdown("B"));
  scan();
  std::filesystem::remove(store / "a.md");
  auto report = scan(kNow + 1h);
  BOOST_TEST(report.applied.deleted == 1);
  BOOST_TEST(posts(kNow + 1h).size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(deleting_the_index_loses_no_post_and_keeps_ids, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "2025/001_abc.txt", "2025.04.30\n\nページの記事\n\n本文です。\n");
  scan();
  auto before = posts();
  std::filesystem::remove(db);
  std::filesystem::remove(dir / "index.sqlite-wal");
  std::filesystem::remove(dir / "index.sqlite-shm");
  scan(kNow + 5h);
  auto after = posts(kNow + 5h);
  BOOST_REQUIRE_EQUAL(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    BOOST_TEST(after[i].entry_id == before[i].entry_id);
    BOOST_TEST((after[i].updated == before[i].updated));
  }
}

BOOST_FIXTURE_TEST_CASE(unreadable_file_is_reported_and_its_posts_kept, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  scan();
  // A file whose read fails even for root (CI runs as root, which chmod cannot stop):
  // /proc/self/mem stats as a regular file, and reading it at offset 0 fails with EIO.
  std::filesystem::remove(store / "a.md");
  std::filesystem::create_symlink("/proc/self/mem", store / "a.md");
  auto report = scan(kNow + 1h);
  BOOST_TEST(report.unreadable.size() == 1u);
  BOOST_TEST(posts(kNow + 1h).size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(missing_store_changes_nothing, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  scan();
  std::filesystem::remove_all(store);
  auto report = scan(kNow + 1h);
  BOOST_TEST(report.store_missing);
  BOOST_TEST(posts(kNow + 1h).size() == 1u);
}

// What an unmounted file system leaves at store.path, another directory and an empty one,
// is a missing store, not one whose posts were all deleted (store_root.h). Here store.path is
// a symbolic link (followed, as a mount is) moved from one directory to another.
BOOST_FIXTURE_TEST_CASE(an_empty_directory_in_the_store_place_is_a_missing_store, Fixture) {
  const auto mounted = dir / "mounted";
  const auto mount_point = dir / "mount-point";
  testing::write_file(mounted / "a.md", markdown("A"));
  testing::write_file(mounted / "b.md", markdown("B"));
  std::filesystem::create_directories(mount_point / "lost+found");
  testing::write_file(mount_point / ".hidden", "");
  testing::write_file(mount_point / "NOT_MOUNTED", "a marker an operator left: no post file");
  std::filesystem::create_directory_symlink(mounted, store);
  BOOST_TEST(scan().applied.added == 2);
  {
    Index index(db, "https://blog.example.org/");
    BOOST_TEST((index.store_root() == store_root_of(mounted)));
  }

  std::filesystem::remove(store);
  std::filesystem::create_directory_symlink(mount_point, store);
  for (bool full : {true, false}) {
    BOOST_TEST_CONTEXT((full ? "scan_store" : "scan_paths")) {
      Index index(db, "https://blog.example.org/");
      const auto report = full ? scan_store(index, store, reader, kNow + 1h)
                               : scan_paths(index, store, {"a.md"}, reader, kNow + 1h);
      BOOST_TEST(report.store_missing);
      BOOST_TEST_REQUIRE(report.unreadable.size() == 1u);
      BOOST_TEST(report.unreadable[0].reason.starts_with(
          "the store directory holds no post file and is not the one indexed (" +
          describe(*store_root_of(mount_point)) + ", was " + describe(*store_root_of(mounted))));
      BOOST_TEST(report.applied.deleted == 0);
      BOOST_TEST((index.store_root() == store_root_of(mounted)));  // still the store's
    }
  }
  BOOST_TEST(posts(kNow + 1h).size() == 2u);

  // Mounted again: the same directory, nothing to do.
  std::filesystem::remove(store);
  std::filesystem::create_directory_symlink(mounted, store);
  auto again = scan(kNow + 2h);
  BOOST_TEST(!again.store_missing);
  BOOST_TEST(!again.root_changed);
  BOOST_TEST(again.applied.added + again.applied.changed + again.applied.deleted == 0);

  // Another directory that holds post files is the store now: its posts replace the others,
  // and it is the root recorded.
  const auto other = dir / "other";
  testing::write_file(other / "c.md", markdown("C"));
  std::filesystem::remove(store);
  std::filesystem::create_directory_symlink(other, store);
  auto moved = scan(kNow + 3h);
  BOOST_TEST(!moved.store_missing);
  BOOST_TEST(moved.root_changed);
  BOOST_TEST(moved.applied.added == 1);
  BOOST_TEST(moved.applied.deleted == 2);
  {
    Index index(db, "https://blog.example.org/");
    BOOST_TEST((index.store_root() == store_root_of(other)));
  }

  // The store's own directory emptied: its posts were deleted.
  std::filesystem::remove(other / "c.md");
  auto emptied = scan(kNow + 4h);
  BOOST_TEST(!emptied.store_missing);
  BOOST_TEST(emptied.applied.deleted == 1);
  BOOST_TEST(posts(kNow + 4h).empty());
}

// An index that holds no file takes any directory as its store, empty or not (a new store),
// and records it even when the scan changes nothing else.
BOOST_FIXTURE_TEST_CASE(a_first_scan_records_the_store_root, Fixture) {
  std::filesystem::create_directories(store);
  BOOST_TEST(!scan().store_missing);
  Index index(db, "https://blog.example.org/");
  BOOST_TEST((index.store_root() == store_root_of(store)));
  const auto elsewhere = dir / "elsewhere";
  std::filesystem::create_directories(elsewhere);
  BOOST_TEST(!scan_store(index, elsewhere, reader, kNow).store_missing);
  BOOST_TEST((index.store_root() == store_root_of(elsewhere)));
}

// A FIFO (or socket, or device) named like a post file is no post: scanning must not block on
// opening it (a FIFO without a writer never opens for reading), and says why it is not read.
BOOST_FIXTURE_TEST_CASE(fifo_in_the_store_is_reported_without_blocking, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  BOOST_REQUIRE(mkfifo((store / "pipe.md").c_str(), 0644) == 0);
  BOOST_REQUIRE(mkfifo((store / "pipe").c_str(), 0644) == 0);  // no post file's name
  auto report = scan();
  BOOST_TEST(report.files_seen == 1);
  BOOST_TEST_REQUIRE(report.unreadable.size() == 1u);
  BOOST_TEST(report.unreadable[0].to_string() ==
             "pipe.md: cannot read: not a regular file (a FIFO, socket or device)");
  Index index(db, "https://blog.example.org/");
  auto paths = scan_paths(index, store, {"pipe.md", "pipe"}, reader, kNow + 1h);
  BOOST_TEST(paths.files_seen == 0);
  BOOST_TEST(paths.unreadable.size() == 1u);
  BOOST_TEST(posts().size() == 1u);
}

// A post file replaced by a link to nothing or a link loop is a file feedd cannot read: said,
// with its posts kept (as a file that fails to read), by the full scan and by scan_paths.
// Only removing the entry deletes them.
BOOST_FIXTURE_TEST_CASE(a_post_replaced_by_a_broken_link_is_reported_and_kept, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "b.md", markdown("B"));
  scan();
  std::filesystem::remove(store / "a.md");
  std::filesystem::create_symlink(dir / "moved-away.md", store / "a.md");
  std::filesystem::remove(store / "b.md");
  std::filesystem::create_symlink("b.md", store / "b.md");
  auto report = scan(kNow + 1h);
  BOOST_TEST_REQUIRE(report.unreadable.size() == 2u);
  std::sort(report.unreadable.begin(), report.unreadable.end(),
            [](const Problem& x, const Problem& y) { return x.path < y.path; });
  BOOST_TEST(report.unreadable[0].to_string() == "a.md: cannot read: a symbolic link to nothing");
  BOOST_TEST(report.unreadable[1].to_string() ==
             "b.md: cannot read: " + std::system_category().message(ELOOP));
  BOOST_TEST(report.applied.deleted == 0);
  BOOST_TEST(posts(kNow + 1h).size() == 2u);
  Index index(db, "https://blog.example.org/");
  auto paths = scan_paths(index, store, {"a.md", "b.md"}, reader, kNow + 2h);
  BOOST_TEST(paths.unreadable.size() == 2u);
  BOOST_TEST(paths.applied.deleted == 0);
  BOOST_TEST(index.newest("", kNow + 2h, -1).size() == 2u);
  std::filesystem::remove(store / "a.md");
  auto gone = scan_paths(index, store, {"a.md"}, reader, kNow + 3h);
  BOOST_TEST(gone.unreadable.empty());
  BOOST_TEST(gone.applied.deleted == 1);
}

// Progress is reported after each chunk of files read (1,024), by full and named-path scans,
// with how many of how many; a scan that reads nothing reports nothing.
BOOST_FIXTURE_TEST_CASE(scans_report_progress_per_chunk_of_files_read, Fixture) {
  std::vector<std::string> names;
  for (int i = 0; i < 1030; ++i) {
    names.push_back("p" + std::to_string(i) + ".md");
    testing::write_file(store / names.back(), markdown("P" + std::to_string(i)));
  }
  std::vector<std::string> heard;  // "read/to_read"
  const ScanProgress progress = [&](const ScanStep& step) {
    if (step.phase == ScanStep::Phase::reading) {
      heard.push_back(std::to_string(step.done) + "/" + std::to_string(step.total));
    }
  };
  Index index(db, "https://blog.example.org/");
  scan_store(index, store, reader, kNow, nullptr, progress);
  const std::vector<std::string> chunks{"1024/1030", "1030/1030"};
  BOOST_TEST(heard == chunks, boost::test_tools::per_element());
  heard.clear();
  scan_store(index, store, reader, kNow + 1h, nullptr, progress);  // nothing changed
  BOOST_TEST(heard.empty());
  reader.timezone = date::locate_zone("America/New_York");  // every file is read again
  scan_paths(index, store, names, reader, kNow + 2h, nullptr, progress);
  BOOST_TEST(heard == chunks, boost::test_tools::per_element());
}

// Listing a large store is a sign of life too: every kListingStep directory entries listed,
// and as many index rows compared with the listing (a rescan that reads nothing still lists
// and compares a million files).
BOOST_FIXTURE_TEST_CASE(scans_report_progress_while_listing_the_store, Fixture) {
  const std::size_t posts = kListingStep + 10;
  for (std::size_t i = 0; i < posts; ++i) {
    testing::write_file(store / ("p" + std::to_string(i) + ".md"), markdown("P"));
  }
  std::vector<ScanStep> listing;
  std::size_t chunks = 0;
  const ScanProgress progress = [&](const ScanStep& step) {
    if (step.phase == ScanStep::Phase::listing) {
      listing.push_back(step);
    } else {
      ++chunks;
    }
  };
  Index index(db, "https://blog.example.org/");
  scan_store(index, store, reader, kNow, nullptr, progress);
  // The 4,096th entry (of the files and "." and ".."); nothing indexed yet to compare.
  BOOST_TEST_REQUIRE(listing.size() == 1u);
  BOOST_TEST(listing[0].done <= kListingStep);
  BOOST_TEST(listing[0].done + 2 >= kListingStep - 1);
  BOOST_TEST(listing[0].total == 0u);
  BOOST_TEST(chunks == (posts + 1023) / 1024);
  listing.clear();
  chunks = 0;
  scan_store(index, store, reader, kNow + 1h, nullptr, progress);  // nothing changed
  BOOST_TEST_REQUIRE(listing.size() == 2u);  // listed, then compared with the index
  BOOST_TEST(listing[1].done == posts);
  BOOST_TEST(chunks == 0u);
}

// A post file deleted and a directory made under its name (an editor's or a script's doing):
// the post is gone, as the full scan also finds, and the directory's files are read.
BOOST_FIXTURE_TEST_CASE(a_post_file_replaced_by_a_directory_is_gone, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "b.md", markdown("B"));
  scan();
  std::filesystem::remove(store / "a.md");
  testing::write_file(store / "a.md/c.md", markdown("C"));
  Index index(db, "https://blog.example.org/");
  auto report = scan_paths(index, store, {"a.md"}, reader, kNow + 1h);
  BOOST_TEST(report.applied.deleted == 1);
  BOOST_TEST(report.applied.added == 1);
  BOOST_TEST(!index.file_state("a.md").has_value());
  BOOST_TEST(index.file_state("a.md/c.md").has_value());
}

// scan_paths agrees with the full scan when a path changes kind: a link to a directory is not
// followed (what was indexed there is gone), and a file where a directory was leaves nothing
// under it.
BOOST_FIXTURE_TEST_CASE(scan_paths_follows_a_path_that_changes_kind, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "d/b.md", markdown("B"));
  testing::write_file(store / "d/c.md", markdown("C"));
  testing::write_file(dir / "elsewhere/e.md", markdown("E"));
  scan();
  Index index(db, "https://blog.example.org/");
  std::filesystem::remove(store / "a.md");
  std::filesystem::create_symlink(dir / "elsewhere", store / "a.md");
  auto linked = scan_paths(index, store, {"a.md"}, reader, kNow + 1h);
  BOOST_TEST(linked.applied.deleted == 1);
  BOOST_TEST(linked.files_seen == 0);  // not followed
  std::filesystem::remove_all(store / "d");
  testing::write_file(store / "d", "notes, not a post");  // a file where the directory was
  auto replaced = scan_paths(index, store, {"d"}, reader, kNow + 2h);
  BOOST_TEST(replaced.applied.deleted == 2);
  BOOST_TEST(index.files_under("d").empty());
  // The full scan finds the same: nothing left to delete.
  auto full = scan_store(index, store, reader, kNow + 3h);
  BOOST_TEST(full.applied.deleted == 0);
  BOOST_TEST(index.newest("", kNow + 3h, -1).empty());
}

BOOST_FIXTURE_TEST_CASE(scan_paths_reads_only_the_named_paths, Fixture) {
  testing::write_file(store / "a.md", markdown("A"));
  testing::write_file(store / "b.md", markdown("B"));
  scan();
  testing::write_file(store / "a.md", markdown("A", "", "Edited."));
  testing::write_file(store / "b.md", markdown("B", "", "Edited too, but not reported."));
  Index index(db, "https://blog.example.org/");
  auto report = scan_paths(index, store, {"a.md"}, reader, kNow + 1h);
  BOOST_TEST(report.files_seen == 1);
  BOOST_TEST(report.files_parsed == 1);
  BOOST_TEST(report.applied.changed == 1);
  // Nothing to do for an unchanged file, an ignored name or a path never indexed.
  testing::write_file(store / ".a.md.swp", "x");
  auto idle = scan_paths(index, store, {"a.md", ".a.md.swp", "never.md"}, reader, kNow + 2h);
  BOOST_TEST(idle.files_read == 0);
  BOOST_TEST(!idle.applied.wrote());
}

BOOST_FIXTURE_TEST_CASE(scan_paths_follows_directories_moving_in_and_out, Fixture) {
  testing::write_file(store / "2025/a.md", markdown("A"));
  testing::write_file(store / "2025/b.md", markdown("B"));
  testing::write_file(store / "2025x/c.md", markdown("C"));  // shares a prefix, not the folder
  scan();
  std::filesystem::rename(store / "2025", dir / "elsewhere");
  Index index(db, "https://blog.example.org/");
  auto gone = scan_paths(index, store, {"2025"}, reader, kNow + 1h);
  BOOST_TEST(gone.applied.deleted == 2);
  BOOST_TEST(index.newest("", kNow + 1h, -1).size() == 1u);
  std::filesystem::rename(dir / "elsewhere", store / "2026");
  auto back = scan_paths(index, store, {"2026"}, reader, kNow + 2h);
  BOOST_TEST(back.files_parsed == 2);
  BOOST_TEST(back.applied.added == 2);
  BOOST_TEST(index.newest("", kNow + 2h, -1).size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
