// The inotify watcher against a real directory: debounced reports, new subdirectories,
// editors' save patterns, queue overflow and a store that vanishes and comes back.
#include "daemon/live/store_watcher.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(store_watcher_test)

namespace {

using namespace std::chrono_literals;

struct Fixture {
  testing::TempDir dir;
  std::filesystem::path store = dir / "posts";
  boost::asio::io_context io;
  std::vector<StoreChanges> reports;
  std::vector<StoreChanges> settled;  // the changes offered before their quiet moment
  std::vector<std::string> order;     // "settled" and "report", as they came
  std::unique_ptr<StoreWatcher> watcher;
  int markers = 0;

  Fixture() { std::filesystem::create_directories(store); }

  void start(std::chrono::milliseconds debounce = 50ms) {
    watcher =
        std::make_unique<StoreWatcher>(io.get_executor(), store, debounce, [this](StoreChanges c) {
          reports.push_back(c);
          order.emplace_back("report");
        });
    watcher->on_settled([this](StoreChanges c) {
      BOOST_TEST(!c.rescan_all);
      settled.push_back(c);
      order.emplace_back("settled");
    });
    BOOST_REQUIRE(!watcher->start());
  }

  // Runs the watcher until `count` reports arrived (or `limit` passed). Then, so that a
  // report still to come would show, writes a marker file and runs until it is reported:
  // inotify keeps events in order, so every earlier change has been reported by then. The
  // marker's own report must name the marker alone; it is not kept in `reports`.
  void run_until(std::size_t count, std::chrono::milliseconds limit = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (reports.size() < count && std::chrono::steady_clock::now() < deadline) {
      io.run_for(10ms);
    }
    const std::string marker = "marker-" + std::to_string(++markers) + ".md";
    testing::write_file(store / marker, "x");
    const std::size_t before = reports.size();
    deadline = std::chrono::steady_clock::now() + limit;
    while (!reported(marker) && std::chrono::steady_clock::now() < deadline) {
      io.run_for(10ms);
    }
    BOOST_REQUIRE_MESSAGE(reported(marker), "the marker file was never reported");
    BOOST_TEST((reports.back().paths == std::vector<std::string>{marker}),
               "a late change was reported with the marker");
    BOOST_TEST(reports.size() - before == 1u);
    reports.pop_back();
  }

  bool reported(const std::string& path) const {
    for (const auto& report : reports) {
      if (std::find(report.paths.begin(), report.paths.end(), path) != report.paths.end()) {
        return true;
      }
    }
    return false;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(created_file_is_reported_once_after_the_quiet_period, Fixture) {
  start();
  testing::write_file(store / "a.md", "x");
  run_until(1);
  BOOST_REQUIRE_EQUAL(reports.size(), 1u);
  BOOST_TEST(!reports[0].rescan_all);
  BOOST_TEST(reports[0].paths == std::vector<std::string>{"a.md"});
}

BOOST_FIXTURE_TEST_CASE(settled_changes_are_offered_once_before_their_report, Fixture) {
  start();
  testing::write_file(store / "a.md", "x");  // created, written, closed
  run_until(1);
  BOOST_REQUIRE_EQUAL(reports.size(), 1u);
  BOOST_REQUIRE(!settled.empty());
  BOOST_TEST(settled[0].paths == std::vector<std::string>{"a.md"});
  BOOST_TEST(settled[0].events == reports[0].events, "no event between the two");
  BOOST_TEST(order[0] == "settled");
  BOOST_TEST(order[1] == "report", "offered once: the marker's notice comes after");
}

BOOST_FIXTURE_TEST_CASE(an_event_after_the_offer_shows_in_the_report, Fixture) {
  start(1000ms);
  testing::write_file(store / "a.md", "x");
  auto deadline = std::chrono::steady_clock::now() + 5000ms;
  while (settled.empty() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(1ms);
  }
  BOOST_REQUIRE_EQUAL(settled.size(), 1u);
  BOOST_REQUIRE(reports.empty());
  testing::write_file(store / "b.md", "x");  // within the quiet period
  run_until(1);
  BOOST_REQUIRE_EQUAL(reports.size(), 1u);
  BOOST_TEST((reports[0].paths == std::vector<std::string>{"a.md", "b.md"}));
  BOOST_TEST(reports[0].events > settled[0].events);
}

BOOST_FIXTURE_TEST_CASE(a_file_still_being_written_is_not_offered, Fixture) {
  start();
  std::ofstream writer(store / "a.md");
  writer << "half of it" << std::flush;  // created and written, not closed
  run_until(1);                          // its quiet moment comes while the writer is still at it
  BOOST_TEST(reported("a.md"));
  BOOST_REQUIRE(!order.empty());
  BOOST_TEST(order[0] == "report", "nothing offered before the report");
}

BOOST_FIXTURE_TEST_CASE(a_burst_of_500_files_is_one_report, Fixture) {
  start(200ms);
  for (int i = 0; i < 500; ++i) {
    testing::write_file(store / ("burst/" + std::to_string(i) + ".md"), "x");
  }
  run_until(1);
  BOOST_REQUIRE_EQUAL(reports.size(), 1u);
  // The directory itself is reported (files created before its watch existed are found by
  // scanning it), and files created after the watch are reported by name.
  BOOST_TEST(reported("burst"));
}

BOOST_FIXTURE_TEST_CASE(new_subdirectories_are_watched, Fixture) {
  start();
  std::filesystem::create_directories(store / "2026/01");
  run_until(1);
  reports.clear();
  testing::write_file(store / "2026/01/new.md", "x");
  run_until(1);
  BOOST_TEST(reported("2026/01/new.md"));
}

BOOST_FIXTURE_TEST_CASE(editor_save_patterns_report_only_the_post_file, Fixture) {
  testing::write_file(store / "a.md", "old");
  start();
  // vim: write a swap file, then a backup, then the file; emacs: #a.md# autosave.
  testing::write_file(store / ".a.md.swp", "swap");
  testing::write_file(store / "a.md~", "backup");
  testing::write_file(store / "#a.md#", "autosave");
  testing::write_file(store / ".a.md.tmp", "new");
  std::filesystem::rename(store / ".a.md.tmp", store / "a.md");  // write-then-rename
  testing::write_file(store / ".git/objects/ab", "git internals");
  run_until(1);
  BOOST_REQUIRE_EQUAL(reports.size(), 1u);
  BOOST_TEST(reports[0].paths == std::vector<std::string>{"a.md"});
}

BOOST_FIXTURE_TEST_CASE(deletes_and_moves_are_reported, Fixture) {
  testing::write_file(store / "a.md", "x");
  testing::write_file(store / "dir/b.md", "x");
  start();
  std::filesystem::remove(store / "a.md");
  std::filesystem::rename(store / "dir", dir / "outside");
  run_until(1);
  BOOST_TEST(reported("a.md"));
  BOOST_TEST(reported("dir"));
}

BOOST_FIXTURE_TEST_CASE(queue_overflow_asks_for_a_full_rescan, Fixture) {
  start();
  // Without reading, alternate writes to two files (identical events would be merged) until
  // far more events are queued than fs.inotify.max_queued_events (16384 by default).
  int limit = 16384;
  std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> limit;
  for (int i = 0; i < limit; ++i) {
    std::ofstream(store / (i % 2 ? "a.md" : "b.md")) << i;
  }
  // Made once the queue is full: its IN_CREATE is lost with the overflow.
  std::filesystem::create_directory(store / "late");
  run_until(1);
  BOOST_REQUIRE(!reports.empty());
  // Not necessarily the first report: a slow run (ASan) may report the writes read before
  // the overflow on their own first.
  BOOST_TEST(std::any_of(reports.begin(), reports.end(),
                         [](const auto& report) { return report.rescan_all; }));
  // The directory made during the overflow is watched after it.
  reports.clear();
  testing::write_file(store / "late/new.md", "x");
  run_until(1);
  BOOST_TEST(reported("late/new.md"));
}

BOOST_FIXTURE_TEST_CASE(store_that_vanishes_and_returns_is_rescanned, Fixture) {
  testing::write_file(store / "a.md", "x");
  start();
  std::filesystem::rename(store, dir / "away");
  io.run_for(200ms);
  std::filesystem::rename(dir / "away", store);
  run_until(1, 5000ms);
  BOOST_REQUIRE(!reports.empty());
  BOOST_TEST(reports.back().rescan_all);
  // And it is watched again.
  reports.clear();
  testing::write_file(store / "b.md", "x");
  run_until(1);
  BOOST_TEST(reported("b.md"));
}

BOOST_FIXTURE_TEST_CASE(a_store_path_that_is_a_symlink_is_watched, Fixture) {
  std::filesystem::create_directory_symlink(store, dir / "link");
  store = dir / "link";
  start();
  testing::write_file(dir / "posts/through-link.md", "x");
  run_until(1);
  BOOST_TEST(reported("through-link.md"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
