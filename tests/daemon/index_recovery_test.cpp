// SitePipeline keeps the index usable while running: damage that shows only later (here,
// garbage written under a live connection, exposed when another connection's commit makes
// it drop its page cache) is met by the next scan, which moves the file aside, rebuilds it
// from the store and goes on, with every post and the same ids.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "daemon/pipeline/site_pipeline.h"
#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(index_recovery_test)

namespace {

using namespace std::chrono_literals;

const std::chrono::sys_seconds kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 0s;

std::vector<std::string> ids(SitePipeline& pipeline) {
  std::vector<std::string> out;
  for (const auto& post : pipeline.index().newest("", kNow, -1)) {
    out.push_back(post.entry_id);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(corruption_met_by_a_later_scan_is_rebuilt_from_the_store) {
  testing::TempDir dir;
  for (int i = 0; i < 60; ++i) {
    testing::write_file(dir / ("posts/p" + std::to_string(i) + ".md"),
                        "---\ntitle: Post " + std::to_string(i) + "\ndate: 2025-01-0" +
                            std::to_string(1 + i % 9) + "\nlang: en\n---\n" +
                            std::string(700, static_cast<char>('a' + i % 26)) + "\n");
  }
  const auto index = dir / "index.sqlite";
  auto config = load_config(testing::write_config(dir.path(), dir / "posts", index));
  IndexHealth health;
  SitePipeline pipeline(config, &health);
  pipeline.scan(kNow);
  const auto before = ids(pipeline);
  BOOST_REQUIRE_EQUAL(before.size(), 60u);

  // Everything into the database file, then damage every page after the first, then commit
  // from another connection (the live one sees the commit and drops its page cache).
  SQLite::Database other(index.string(), SQLite::OPEN_READWRITE);
  other.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  {
    const auto page = static_cast<std::uintmax_t>(other.execAndGet("PRAGMA page_size").getInt());
    const auto size = std::filesystem::file_size(index);
    BOOST_REQUIRE(size > 4 * page);
    std::fstream file(index, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(page));
    file << std::string(size - page, '\x5a');
  }
  other.exec("PRAGMA user_version = 1");
  testing::write_file(dir / "posts/new.md",
                      "---\ntitle: New\ndate: 2025-02-01\nlang: en\n---\nN\n");

  const auto report = pipeline.scan_paths({"new.md"}, kNow + 1h);
  BOOST_TEST(report.applied.added == 61);  // the whole store, into a fresh index
  BOOST_TEST(health.recoveries() == 1u);
  BOOST_TEST(health.writable());
  BOOST_TEST(pipeline.index_replacements() == 1u);
  auto after = ids(pipeline);
  BOOST_TEST(after.size() == 61u);
  for (const auto& id : before) {
    BOOST_TEST((std::find(after.begin(), after.end(), id) != after.end()), id);
  }
  bool aside = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    aside |= entry.path().filename().string().starts_with("index.sqlite.corrupt-");
  }
  BOOST_TEST(aside);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
