// kill -9 at any moment loses nothing: 100 kills of `feedd serve` and `feedd build` while
// they scan a changing store leave an index that opens, with every post once and the same
// ids and updated times (the feeds of the final store are byte-identical to those made
// before any crash); and a `feedd build --out DIR` killed while writing leaves every path
// in DIR with its old bytes or its new ones, never half a file.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <pugixml.hpp>
#include <random>
#include <regex>
#include <thread>

#include "tests/integration/index_test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(crash_safety_test)

namespace {

using namespace std::chrono_literals;
using Files = std::map<std::string, std::string>;  // relative path -> bytes

pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> argv;
    for (const auto& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

void kill_after(pid_t pid, std::chrono::microseconds delay) {
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

Files read_tree(const std::filesystem::path& root) {
  Files files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files[entry.path().lexically_relative(root).string()] = read_file(entry.path());
    }
  }
  return files;
}

std::vector<std::string> build_args(const std::filesystem::path& config,
                                    const std::filesystem::path& out) {
  return {feedd_binary().string(), "--config", config.string(), "build", "--out", out.string()};
}

void build(const std::filesystem::path& config, const std::filesystem::path& out) {
  auto result = run_command(build_args(config, out));
  BOOST_REQUIRE_MESSAGE(result.exit_status == 0, result.output);
}

std::mt19937 seeded_random() {
  const auto seed = static_cast<unsigned>(std::random_device{}());
  BOOST_TEST_MESSAGE("random seed " << seed);
  return std::mt19937(seed);
}

// One random change to the store: a churn post appears, changes or goes; or a kept post is
// rewritten with the same bytes (a new mtime: read again, found unchanged).
void churn(const std::filesystem::path& store, std::mt19937& random) {
  const int pick = static_cast<int>(random() % 14);
  if (pick >= 10) {
    const auto path = store / ("post-0" + std::to_string(pick - 10) + ".md");
    write_file(path, read_file(path));
    return;
  }
  const auto path = store / ("churn-" + std::to_string(pick) + ".md");
  if (std::filesystem::exists(path) && random() % 2 == 0) {
    std::filesystem::remove(path);
    return;
  }
  write_file(path, "---\ntitle: Churn " + std::to_string(pick) + "\ndate: 2024-12-0" +
                       std::to_string(1 + pick % 9) + "\nlang: en\n---\nVersion " +
                       std::to_string(random()) + "\n");
}

// `atom` without the RFC 6721 tombstones of churn posts (published, then deleted: they keep
// one, by design) and the namespace they bring; any other tombstone stays and shows.
std::string without_churn_tombstones(const std::string& atom) {
  static const std::regex kChurnTombstone(
      "\n *<at:deleted-entry ref=\"[^\"]*:churn-[0-9]\" when=\"[^\"]*\" />");
  std::string out = std::regex_replace(atom, kChurnTombstone, "");
  if (out.find("<at:deleted-entry") == std::string::npos) {
    const std::string ns = " xmlns:at=\"http://purl.org/atompub/tombstones/1.0\"";
    if (const auto at = out.find(ns); at != std::string::npos) {
      out.erase(at, ns.size());
    }
  }
  return out;
}

// Every file in `dir` holds exactly its bytes in `before` or in `after`, and parses.
void check_old_or_new(const std::filesystem::path& dir, const Files& before, const Files& after) {
  for (const auto& [path, bytes] : read_tree(dir)) {
    const auto name = std::filesystem::path(path).filename().string();
    if (name.starts_with(".") && name.find(".tmp-") != std::string::npos) {
      continue;  // a killed writer's temporary file: hidden, removed by the next build
    }
    const auto old_one = before.find(path);
    const auto new_one = after.find(path);
    const bool whole = (old_one != before.end() && old_one->second == bytes) ||
                       (new_one != after.end() && new_one->second == bytes);
    BOOST_TEST(whole, path << " is neither the old file nor the new one");
    if (path.ends_with(".xml")) {
      pugi::xml_document document;
      BOOST_TEST(bool(document.load_string(bytes.c_str())), path);
    } else if (path.ends_with(".json")) {
      boost::system::error_code ec;
      boost::json::parse(bytes, ec);
      BOOST_TEST(!ec, path);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(kill_9_during_scans_loses_no_post_and_changes_no_id_or_updated_time) {
  TempDir dir;
  write_posts(dir / "posts", 24);
  const auto config = serve_config(dir.path(), "debounce_ms = 5\n");
  posts_listing(config);
  // A visible edit: post-00's updated time becomes the time it was seen, which only the
  // index remembers (a rebuilt index would give its date again).
  write_file(dir / "posts/post-00.md",
             read_file(dir / "posts/post-00.md") + "An edit readers see.\n");
  const std::string listing = posts_listing(config);
  build(config, dir / "before");
  const Files before = read_tree(dir / "before");

  auto random = seeded_random();
  for (int round = 0; round < 100; ++round) {
    churn(dir / "posts", random);
    const bool serve = round % 2 == 0;
    const pid_t pid = spawn(serve ? std::vector<std::string>{feedd_binary().string(), "--config",
                                                             config.string(), "serve"}
                                  : build_args(config, dir / "scratch"));
    const auto delay = std::chrono::microseconds(random() % 120000);
    if (serve) {  // a change while it runs: a rescan and a regeneration to be killed in
      std::this_thread::sleep_for(delay / 2);
      churn(dir / "posts", random);
    }
    kill_after(pid, serve ? delay / 2 : delay);
  }

  for (int i = 0; i < 10; ++i) {
    std::filesystem::remove(dir / ("posts/churn-" + std::to_string(i) + ".md"));
  }
  {
    SQLite::Database db((dir / "state/index.sqlite").string(), SQLite::OPEN_READWRITE);
    BOOST_TEST(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  }
  BOOST_TEST(posts_listing(config) == listing);                 // every post, once, same ids
  BOOST_TEST(moved_aside(dir / "state/index.sqlite").empty());  // never rebuilt
  build(config, dir / "after");
  const Files after = read_tree(dir / "after");
  BOOST_TEST(after.size() == before.size());
  for (const auto& [path, bytes] : before) {
    BOOST_TEST((after.count(path) && without_churn_tombstones(after.at(path)) == bytes),
               path << " changed");
  }
}

BOOST_AUTO_TEST_CASE(kill_9_during_build_leaves_every_file_old_or_new) {
  TempDir dir;
  write_posts(dir / "posts", 24);
  const auto config = serve_config(dir.path());
  build(config, dir / "old");
  const Files before = read_tree(dir / "old");
  for (int i = 0; i < 24; i += 3) {  // every feed changes
    const auto path =
        dir / ("posts/post-" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".md");
    write_file(path, read_file(path) + "Edited.\n");
  }
  const auto started = std::chrono::steady_clock::now();
  build(config, dir / "new");
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  const Files after = read_tree(dir / "new");
  BOOST_REQUIRE(before.size() == after.size());

  auto random = seeded_random();
  const auto out = dir / "out";
  int mid_write = 0;  // kills that left some files old and some new (for the record)
  for (int round = 0; round < 40; ++round) {
    std::filesystem::remove_all(out);
    std::filesystem::copy(dir / "old", out, std::filesystem::copy_options::recursive);
    const pid_t pid = spawn(build_args(config, out));
    // Start-up and the scan take the first half of a build; the writing comes last.
    kill_after(pid,
               std::chrono::microseconds(took.count() / 2 + random() % (took.count() / 2 + 1)));
    check_old_or_new(out, before, after);
    const Files left = read_tree(out);
    mid_write += left != before && left != after ? 1 : 0;
  }
  BOOST_TEST_MESSAGE(mid_write << " of 40 kills landed while files were being replaced");
  build(config, out);  // finishes the job and removes the killed writers' temporary files
  BOOST_TEST((read_tree(out) == after));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
