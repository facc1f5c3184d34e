// `feedd serve` following its store live: files created, edited, renamed and deleted reach
// the served feeds (and only the feeds whose bytes change get a new ETag); a burst of files
// is one regeneration; a scheduled post appears at its time; a store that vanishes and
// comes back is recovered.
#include <time.h>

#include <boost/test/unit_test.hpp>
#include <regex>
#include <thread>

#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(live_test)

namespace {

using namespace std::chrono_literals;

std::string post(const std::string& title, const std::string& lang, const std::string& date,
                 const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndate: " + date + "\nlang: " + lang + "\n" + extra +
         "---\nText of " + title + ".\n";
}

struct LiveFixture {
  TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::unique_ptr<FeeddProcess> feedd;
  int port = 0;

  LiveFixture() {
    write_file(store / "ja.md", post("日本語の記事", "ja", "2025-01-01"));
    write_file(store / "en.md", post("English post", "en", "2025-01-01"));
  }

  void start(std::string extra = "") {
    auto config = write_config(dir.path(), store, dir / "index.sqlite",
                               "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\n" + extra);
    feedd = std::make_unique<FeeddProcess>(config, dir / "serve.log");
    port = feedd->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  }

  std::string etag(const std::string& path) { return fetch(port, path).etag; }
  bool serves(const std::string& path, const std::string& text) {
    return fetch(port, path).body.find(text) != std::string::npos;
  }
  std::size_t publications() { return count_occurrences(feedd->log(), " published"); }
};

}  // namespace

// A file edited while serve starts (after its first scan read the file, before it serves)
// is served: the store is watched before that scan, not after the server is up.
BOOST_FIXTURE_TEST_CASE(an_edit_during_start_up_is_served, LiveFixture) {
  for (int n = 0; n < 4000; ++n) {  // a scan and a first snapshot long enough to edit between
    write_file(store / ("bulk/p" + std::to_string(n) + ".md"),
               post("Bulk " + std::to_string(n), n % 2 == 0 ? "ja" : "en", "2024-01-01"));
  }
  auto config = write_config(dir.path(), store, dir / "index.sqlite",
                             "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\n");
  feedd = std::make_unique<FeeddProcess>(config, dir / "serve.log");
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (feedd->log().find("store: scanned") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);  // the edit should land soon after the first scan
  }
  BOOST_REQUIRE_MESSAGE(feedd->log().find("store: scanned") != std::string::npos, feedd->log());
  write_file(store / "en.md", post("English post, edited at start-up", "en", "2025-01-01"));
  port = feedd->wait_for_port();
  BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  FEEDD_CHECK_AFTER(eventually([&] { return serves("/en/atom.xml", "edited at start-up"); }, 30s),
                    feedd->log());
}

BOOST_FIXTURE_TEST_CASE(create_edit_rename_delete_reach_readers, LiveFixture) {
  start();
  const auto ja_etag = etag("/ja/atom.xml");
  auto en_etag = etag("/en/atom.xml");

  write_file(store / "new.md", post("Fresh post", "en", "2025-02-01"));
  FEEDD_CHECK_AFTER(eventually([&] { return serves("/en/atom.xml", "Fresh post"); }), feedd->log());
  // One file written and closed: prepared while the watcher waited for its quiet moment.
  // (The line is logged just after the snapshot is published: wait for it.)
  FEEDD_CHECK_AFTER(
      eventually([&] {
        return feedd->log().find("store changed (prepared during the quiet period): snapshot") !=
               std::string::npos;
      }),
      feedd->log());
  BOOST_TEST(etag("/en/atom.xml") != en_etag);
  BOOST_TEST(etag("/ja/atom.xml") == ja_etag, "an unrelated feed keeps its ETag");

  write_file(store / "new.md", post("Fresh post, edited", "en", "2025-02-01"));
  BOOST_TEST(eventually([&] { return serves("/en/rss.xml", "Fresh post, edited"); }));

  // Renamed (with an id, so it stays the same post): the entry keeps its id, no duplicate.
  write_file(store / "kept.md", post("Kept id", "en", "2025-03-01", "id: kept\n"));
  BOOST_REQUIRE(eventually([&] { return serves("/en/atom.xml", "Kept id"); }));
  const auto before_rename = fetch(port, "/en/atom.xml");
  std::filesystem::create_directories(store / "moved");
  std::filesystem::rename(store / "kept.md", store / "moved/renamed.md");
  // The rename changes nothing served, so wait for a later change instead: a Japanese post
  // written after it is served only once the rename has been scanned (events in order).
  write_file(store / "after-rename.md", post("改名の後", "ja", "2025-03-02"));
  FEEDD_REQUIRE_AFTER(eventually([&] { return serves("/ja/atom.xml", "改名の後"); }), feedd->log());
  const auto after_rename = fetch(port, "/en/atom.xml");
  BOOST_TEST(count_occurrences(after_rename.body, "tag:blog.example.org,2025-03-01:kept") == 1u);
  BOOST_TEST(after_rename.etag == before_rename.etag, "a rename changes no byte");
  const auto ja_after_rename = etag("/ja/atom.xml");

  std::filesystem::remove(store / "new.md");
  BOOST_TEST(eventually([&] { return !serves("/en/atom.xml", "Fresh post"); }));
  BOOST_TEST(etag("/ja/atom.xml") == ja_after_rename);
}

// `feedd build` with serve's own configuration writes the index serve has open. serve's
// next writes must still succeed: a read it had left open on the old snapshot made every
// later scan fail with "database is locked" until a restart, while /healthz said ok.
BOOST_FIXTURE_TEST_CASE(a_build_beside_serve_on_its_index_leaves_serve_writing, LiveFixture) {
  // The sample's translated pair: with it, a query of serve's first scan stopped before its
  // last row (two posts alone left none open).
  for (const char* name : {"2025-05-05-tea.md", "2025-05-05-tea.en.md"}) {
    std::filesystem::copy_file(source_dir() / "etc/posts/2025" / name, store / name);
  }
  start();
  write_file(store / "en.md", post("English post, first edit", "en", "2025-01-01"));
  FEEDD_REQUIRE_AFTER(eventually([&] { return serves("/en/atom.xml", "first edit"); }),
                      feedd->log());

  const auto built = run_command({feedd_binary().string(), "build", "--config",
                                  (dir / "feedd.toml").string(), "--out", (dir / "out").string()});
  BOOST_REQUIRE_MESSAGE(built.exit_status == 0, built.output);
  write_file(store / "en.md", post("English post, edited after the build", "en", "2025-01-01"));
  FEEDD_CHECK_AFTER(eventually([&] { return serves("/en/atom.xml", "after the build"); }, 30s),
                    feedd->log());
  BOOST_TEST(feedd->log().find("database is locked") == std::string::npos, feedd->log());
}

BOOST_FIXTURE_TEST_CASE(a_burst_of_500_files_is_one_regeneration, LiveFixture) {
  start();  // the default debounce (50 ms)
  const auto before = publications();
  // Like a `git pull`: write every file into a new directory, then move it into the store.
  for (int i = 0; i < 500; ++i) {
    write_file(dir / ("pull/p" + std::to_string(i) + ".md"),
               post("Pulled " + std::to_string(i), "en", "2025-06-01"));
  }
  std::filesystem::rename(dir / "pull", store / "pull");
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return feedd->log().find("500 posts added") != std::string::npos; }),
      feedd->log());
  FEEDD_CHECK_AFTER(eventually([&] { return serves("/en/feed.json", "Pulled"); }), feedd->log());
  // A regeneration still to come from the burst would follow from events that precede a
  // file written now, so once that file is served every one of them has been handled.
  write_file(store / "marker.md", post("目印", "ja", "2025-06-02"));
  FEEDD_REQUIRE_AFTER(eventually([&] { return serves("/ja/atom.xml", "目印"); }), feedd->log());
  BOOST_TEST(publications() - before == 2u, "the burst and the marker:\n" << feedd->log());
}

BOOST_FIXTURE_TEST_CASE(scheduled_post_appears_at_its_time_without_a_file_change, LiveFixture) {
  // Far enough ahead for a sanitizer build's start-up on a loaded CI machine (5 s was not).
  std::time_t at = std::time(nullptr) + 10;
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&at));
  write_file(store / "later.md", post("From the future", "en", stamp));
  start();
  const auto first = fetch(port, "/en/atom.xml");
  // Read after the fetch returned, so the fetch happened before the post's time.
  const bool before_its_time = std::time(nullptr) < at;
  BOOST_REQUIRE_MESSAGE(before_its_time, "start-up took over 10 s: too late to see it appear");
  BOOST_TEST(first.body.find("English post") != std::string::npos);
  BOOST_TEST(first.body.find("From the future") == std::string::npos);
  FEEDD_CHECK_AFTER(eventually([&] { return serves("/en/atom.xml", "From the future"); }, 20s),
                    feedd->log());
  // The line is logged just after the snapshot is published: wait for it too.
  FEEDD_CHECK_AFTER(
      eventually([&] { return feedd->log().find("scheduled post due") != std::string::npos; }, 20s),
      feedd->log());
}

BOOST_FIXTURE_TEST_CASE(store_removed_and_recreated_is_recovered, LiveFixture) {
  start();
  std::filesystem::rename(store, dir / "away");
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        return feedd->log().find("the store directory went away") !=
                               std::string::npos;
                      }),
                      feedd->log());
  // Nothing is lost while the store is away: the feeds keep what they had.
  BOOST_TEST(serves("/en/atom.xml", "English post"));
  write_file(dir / "away/back.md", post("Back again", "en", "2025-05-01"));
  std::filesystem::rename(dir / "away", store);
  FEEDD_CHECK_AFTER(eventually([&] { return serves("/en/atom.xml", "Back again"); }, 8000ms),
                    feedd->log());
  // And it is watched again.
  write_file(store / "after.md", post("After the return", "en", "2025-05-02"));
  BOOST_TEST(eventually([&] { return serves("/en/atom.xml", "After the return"); }));
}

// The store on a file system of its own, unmounted under a running feedd (as `umount`
// behind systemd's back does): every post stays served, not deleted; once a file system is
// mounted there again, feedd watches it and serves what it holds. feedd runs in a mount
// namespace of its own (`unshare -rm`: root in a user namespace, for any user), its store a
// tmpfs mounted in it.
BOOST_FIXTURE_TEST_CASE(a_store_unmounted_under_serve_keeps_its_posts, LiveFixture) {
  const auto copy = dir / "copy";
  std::filesystem::rename(store, copy);
  std::filesystem::create_directory(store);
  const std::string mount = "mount -t tmpfs feedd-test-store '" + store.string() + "' && cp -a '" +
                            copy.string() + "/.' '" + store.string() + "/'";
  auto config = write_config(dir.path(), store, dir / "index.sqlite",
                             "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\n");
  feedd = std::make_unique<FeeddProcess>(
      config, dir / "serve.log", 0,
      std::vector<std::string>{"unshare", "-rm", "--propagation", "private", "sh", "-c",
                               mount + " && exec \"$@\"", "sh"});
  port = feedd->wait_for_port();
  BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  BOOST_REQUIRE(serves("/en/atom.xml", "English post"));
  // Run in feedd's namespaces.
  const auto in_feedd = [&](const std::string& command) {
    return run_command({"nsenter", "-t", std::to_string(feedd->pid()), "-U", "-m",
                        "--preserve-credentials", "sh", "-c", command});
  };
  const auto unmounted = in_feedd("umount '" + store.string() + "'");
  BOOST_REQUIRE_MESSAGE(unmounted.exit_status == 0, unmounted.output);
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        return feedd->log().find(
                                   "the store directory holds no post file and is not "
                                   "the one indexed") != std::string::npos;
                      }),
                      feedd->log());
  BOOST_TEST(feedd->log().find("the store's file system was unmounted") != std::string::npos);
  BOOST_TEST(serves("/en/atom.xml", "English post"));
  BOOST_TEST(serves("/ja/atom.xml", "日本語の記事"));
  BOOST_TEST(fetch(port, "/en/atom.xml").body.find("deleted-entry") == std::string::npos);

  write_file(copy / "back.md", post("Back again", "en", "2025-05-01"));
  const auto mounted = in_feedd(mount);
  BOOST_REQUIRE_MESSAGE(mounted.exit_status == 0, mounted.output);
  FEEDD_CHECK_AFTER(eventually([&] { return serves("/en/atom.xml", "Back again"); }, 8000ms),
                    feedd->log());
  BOOST_TEST(feedd->log().find(": now another directory (") != std::string::npos);
  // And watched again.
  const auto edited = in_feedd(
      "printf -- '---\\ntitle: After the mount\\ndate: 2025-05-02\\nlang: en\\n---\\nText.\\n' > "
      "'" +
      store.string() + "/after.md'");
  BOOST_REQUIRE_MESSAGE(edited.exit_status == 0, edited.output);
  FEEDD_CHECK_AFTER(eventually([&] { return serves("/en/atom.xml", "After the mount"); }),
                    feedd->log());
  BOOST_TEST(serves("/ja/atom.xml", "日本語の記事"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
