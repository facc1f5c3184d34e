// A corrupt index never takes the service down: for each way a real index file goes bad,
// `feedd serve` moves it aside, logs both paths and the reason, rebuilds from the store and
// serves every post over HTTP; `feedd posts` and `feedd build` recover the same way.
#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <functional>

#include "tests/integration/index_test_support.h"
#include "tests/support/feedd_process.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(corrupt_index_test)

namespace {

constexpr int kPosts = 40;

void overwrite_middle(const std::filesystem::path& path) {
  const auto size = std::filesystem::file_size(path);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(size / 4));
  for (std::uintmax_t i = 0; i < size / 2; ++i) {
    file.put(static_cast<char>((i * 131 + 7) % 251));
  }
}

struct Damage {
  const char* name;
  std::function<void(const std::filesystem::path&)> apply;
};

const std::vector<Damage> kDamages = {
    {"garbage in the middle", overwrite_middle},
    {"truncated",
     [](const auto& path) {
       std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
     }},
    {"not a database", [](const auto& path) { write_file(path, std::string(9000, '#')); }},
    {"future schema",
     [](const auto& path) {
       SQLite::Database(path.string(), SQLite::OPEN_READWRITE).exec("PRAGMA user_version = 99");
     }},
    {"unreadable (a directory in its place)",
     [](const auto& path) {
       std::filesystem::remove(path);
       std::filesystem::create_directories(path / "inside");
     }},
};

// A store, its index as a clean `feedd posts` leaves it, and that listing.
struct Indexed {
  TempDir dir;
  std::filesystem::path config;
  std::filesystem::path index;
  std::string listing;

  Indexed() {
    write_posts(dir / "posts", kPosts);
    config = serve_config(dir.path());
    index = dir / "state/index.sqlite";
    listing = posts_listing(config);
    BOOST_REQUIRE(std::filesystem::file_size(index) > 40000u);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(serve_moves_a_bad_index_aside_and_serves_every_post) {
  for (const auto& damage : kDamages) {
    BOOST_TEST_CONTEXT(damage.name) {
      Indexed indexed;
      damage.apply(indexed.index);
      FeeddProcess child(indexed.config, indexed.dir / "serve.log");
      const int port = child.wait_for_port();
      BOOST_REQUIRE_MESSAGE(port > 0, child.log());

      const auto feed = fetch(port, "/feed.json");
      BOOST_TEST(feed.status == 200);
      for (int i = 0; i < kPosts; ++i) {
        const std::string key = "post-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
        BOOST_TEST(feed.body.find(":" + key + "\"") != std::string::npos, key);
      }
      const auto aside = moved_aside(indexed.index);
      BOOST_REQUIRE_EQUAL(aside.size(), 1u);
      const std::string log = child.log();
      BOOST_TEST(log.find(indexed.index.string() + " is unusable (") != std::string::npos, log);
      BOOST_TEST(log.find("moved it aside to " + aside[0].string()) != std::string::npos, log);
      BOOST_TEST(fetch(port, "/metrics").body.find("feedd_index_rebuilds_total 1\n") !=
                 std::string::npos);
      BOOST_TEST(fetch(port, "/healthz").body == "ok\n");
      BOOST_TEST(posts_listing(indexed.config) == indexed.listing);  // same ids, same posts
    }
  }
}

BOOST_AUTO_TEST_CASE(posts_and_build_rebuild_a_bad_index_and_succeed) {
  Indexed indexed;
  overwrite_middle(indexed.index);
  auto listed =
      run_command({feedd_binary().string(), "--config", indexed.config.string(), "posts"});
  BOOST_TEST(listed.exit_status == 0, listed.output);
  BOOST_TEST(listed.output.find("is unusable (") != std::string::npos, listed.output);
  BOOST_TEST(listed.output.find(indexed.listing) != std::string::npos, listed.output);
  BOOST_TEST(moved_aside(indexed.index).size() == 1u);

  SQLite::Database(indexed.index.string(), SQLite::OPEN_READWRITE).exec("PRAGMA user_version = 99");
  auto built = run_command({feedd_binary().string(), "--config", indexed.config.string(), "build",
                            "--out", (indexed.dir / "out").string()});
  BOOST_TEST(built.exit_status == 0, built.output);
  BOOST_TEST(built.output.find("is unusable (") != std::string::npos, built.output);
  BOOST_TEST(read_file(indexed.dir / "out/feed.json").find(":post-39\"") != std::string::npos);
  BOOST_TEST(moved_aside(indexed.index).size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
