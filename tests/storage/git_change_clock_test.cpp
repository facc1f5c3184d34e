// Edit times from a real git repository (made with the git CLI): a post's updated time is the
// committer time of the last commit that changed what a reader sees, the same for an index
// that saw every version and one built afresh; an uncommitted edit is dated when seen and
// gets its commit's time once committed; a removal is dated by its commit; one walk per HEAD.
#include "storage/history/git_change_clock.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <date/tz.h>

#include <boost/test/unit_test.hpp>

#include "storage/store_scan.h"
#include "tests/support/test_support.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(git_change_clock_test)

namespace {

using namespace std::chrono_literals;
using std::chrono::sys_seconds;

constexpr std::int64_t kPublished = 1735689600;  // 2025-01-01T00:00:00Z
constexpr std::int64_t kEdited = 1740787200;     // 2025-03-01T00:00:00Z, a commit
constexpr std::int64_t kTouched = 1743465600;    // 2025-04-01, a commit that changes nothing seen
constexpr std::int64_t kCommitted = 1746057600;  // 2025-05-01, commits an edit seen before
constexpr std::int64_t kRemoved = 1748736000;    // 2025-06-01, commits a removal
const sys_seconds kSeen = sys_seconds(1767225600s);  // 2026-01-01: "now" of every scan

ReaderOptions options() {
  ReaderOptions o;
  o.timezone = date::locate_zone("UTC");
  o.default_language = "en";
  o.languages = {"en"};
  return o;
}

std::string post(std::string_view body, std::string_view front_extra = "") {
  return "---\ntitle: T\ndate: 2025-01-01T00:00:00Z\nlang: en\n" + std::string(front_extra) +
         "---\n" + std::string(body) + "\n";
}

struct Repo {
  testing::TempDir dir;
  std::filesystem::path tree = dir / "site";
  std::filesystem::path store = tree / "posts";  // the store is a folder of the work tree

  Repo() { git({"init", "-q", "-b", "main", tree.string()}); }
  void git(std::vector<std::string> args) const {
    std::vector<std::string> argv = {"git", "-c", "user.name=t", "-c", "user.email=t@t"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = testing::run_command(argv);
    BOOST_REQUIRE_MESSAGE(result.exit_status == 0, result.output);
  }
  void commit(std::int64_t at) const {
    const std::string date = "@" + std::to_string(at) + " +0000";
    auto result = testing::run_command({"env", "GIT_COMMITTER_DATE=" + date, "git", "-C",
                                        tree.string(), "-c", "user.name=t", "-c", "user.email=t@t",
                                        "commit", "-q", "-a", "--date", date, "-m", "change"});
    BOOST_REQUIRE_MESSAGE(result.exit_status == 0, result.output);
  }
  void add_all() const { git({"-C", tree.string(), "add", "-A"}); }
};

// updated (or deleted_at) of `key` in the index file `db`, as Unix seconds.
std::int64_t column_of(const std::filesystem::path& db, const std::string& column,
                       const std::string& key) {
  SQLite::Database read(db.string());
  SQLite::Statement query(read, "SELECT " + column + " FROM posts WHERE key = ?");
  query.bind(1, key);
  BOOST_REQUIRE(query.executeStep());
  return query.getColumn(0).getInt64();
}

std::unique_ptr<GitChangeClock> open_clock(const Repo& repo) {
  std::string why;
  auto clock = GitChangeClock::open(repo.store, options(), why);
  BOOST_REQUIRE_MESSAGE(clock != nullptr, why);
  return clock;
}

// A fresh index over the store as it is now: what a replica started now would hold.
std::int64_t fresh_updated(const Repo& repo, const std::string& key) {
  const auto db = repo.dir / ("fresh-" + std::to_string(kSeen.time_since_epoch().count()) + ".db");
  std::filesystem::remove(db);
  {
    Index index(db, "https://b/");
    auto clock = open_clock(repo);
    scan_store(index, repo.store, options(), kSeen + 99s, clock.get());
  }
  return column_of(db, "updated", key);
}

BOOST_AUTO_TEST_CASE(times_come_from_the_commits_that_changed_what_readers_see) {
  Repo repo;
  for (int i = 0; i < 30; ++i) {  // one commit of 30 files: one walk
    testing::write_file(repo.store / ("p" + std::to_string(i) + ".md"), post("Body."));
  }
  testing::write_file(repo.tree / "README", "not a post, outside the store\n");
  repo.add_all();
  repo.commit(kPublished + 3600);
  const auto db = repo.dir / "index.db";
  auto index = std::make_unique<Index>(db, "https://b/");
  auto clock = open_clock(repo);
  scan_store(*index, repo.store, options(), kSeen, clock.get());
  BOOST_TEST(clock->walks() == 1u);
  BOOST_TEST(column_of(db, "updated", "p0") == kPublished);  // first version: its own date

  testing::write_file(repo.store / "p0.md", post("Edited body."));
  repo.commit(kEdited);
  scan_store(*index, repo.store, options(), kSeen, clock.get());
  BOOST_TEST(clock->walks() == 2u);
  BOOST_TEST(column_of(db, "updated", "p0") == kEdited);
  BOOST_TEST(column_of(db, "updated", "p1") == kPublished);
  BOOST_TEST(fresh_updated(repo, "p0") == kEdited);

  // A change no reader sees (a front matter comment) dates nothing, in either index.
  testing::write_file(repo.store / "p0.md", post("Edited body.", "# a note\n"));
  repo.commit(kTouched);
  scan_store(*index, repo.store, options(), kSeen, clock.get());
  BOOST_TEST(column_of(db, "updated", "p0") == kEdited);
  BOOST_TEST(fresh_updated(repo, "p0") == kEdited);

  // Uncommitted: the time seen; once committed (bytes unchanged), the commit's time.
  testing::write_file(repo.store / "p1.md", post("Not committed yet."));
  scan_store(*index, repo.store, options(), kSeen + 5s, clock.get());
  BOOST_TEST(column_of(db, "updated", "p1") == (kSeen + 5s).time_since_epoch().count());
  repo.commit(kCommitted);
  scan_store(*index, repo.store, options(), kSeen + 9s, clock.get());
  BOOST_TEST(column_of(db, "updated", "p1") == kCommitted);
  BOOST_TEST(fresh_updated(repo, "p1") == kCommitted);

  // A removal is dated by the commit that removed the file.
  repo.git({"-C", repo.tree.string(), "rm", "-q", "posts/p2.md"});
  repo.commit(kRemoved);
  scan_store(*index, repo.store, options(), kSeen + 20s, clock.get());
  BOOST_TEST(column_of(db, "deleted_at", "p2") == kRemoved);
  BOOST_TEST(column_of(db, "gone_at", "p2") == kRemoved);

  // A removal seen before its commit (a pull deletes the file before it moves HEAD): the time
  // seen, then the commit's once there is one, as a fresh index dates it.
  std::filesystem::remove(repo.store / "p3.md");
  scan_store(*index, repo.store, options(), kSeen + 30s, clock.get());
  BOOST_TEST(column_of(db, "deleted_at", "p3") == (kSeen + 30s).time_since_epoch().count());
  repo.git({"-C", repo.tree.string(), "rm", "-q", "--cached", "posts/p3.md"});
  repo.commit(kRemoved + 60);
  const auto report = scan_store(*index, repo.store, options(), kSeen + 40s, clock.get());
  BOOST_TEST(report.applied.changed == 1);
  BOOST_TEST(column_of(db, "deleted_at", "p3") == kRemoved + 60);
  BOOST_TEST(column_of(db, "gone_at", "p3") == kRemoved + 60);
  BOOST_TEST(clock->take_failure() == "");
}

BOOST_AUTO_TEST_CASE(outside_a_work_tree_there_is_no_clock) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "posts");
  // The case needs a temporary folder outside every work tree: say so, rather than fail on
  // the reason below, when $TMPDIR is inside one.
  for (auto folder = dir.path(); folder != folder.root_path(); folder = folder.parent_path()) {
    BOOST_TEST_REQUIRE(!std::filesystem::exists(folder.parent_path() / ".git"),
                       "$TMPDIR must be outside git work trees: " << folder.parent_path());
  }
  std::string why;
  BOOST_TEST(GitChangeClock::open(dir / "posts", options(), why) == nullptr);
  BOOST_TEST(why.find("no .git") != std::string::npos, why);
}

// A store git ignores (a build or benchmark folder inside some other project's clone) is not
// dated by that project's commits.
BOOST_AUTO_TEST_CASE(a_store_the_work_tree_ignores_has_no_clock) {
  Repo repo;
  testing::write_file(repo.tree / ".gitignore", "posts/\n");
  testing::write_file(repo.store / "a.md", post("A"));
  repo.add_all();
  repo.commit(kPublished);
  std::string why;
  BOOST_TEST(GitChangeClock::open(repo.store, options(), why) == nullptr);
  BOOST_TEST(why.find("ignored") != std::string::npos, why);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::storage
