// A state directory that refuses writes never stops serving: with a full disk (a small
// tmpfs) or a read-only state directory (a read-only bind mount), `feedd serve` keeps the
// last snapshot, says so once in the log, in /healthz (still 200) and /metrics, and
// recovers by itself once the index can be written again. Needs root for mount(2): without
// it these tests fail (they never skip).
#include <sys/mount.h>

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/index_test_support.h"
#include "tests/support/feedd_process.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(index_not_writable_test)

namespace {

using namespace std::chrono_literals;

// A mount at `at` for the test's lifetime (detached on destruction).
struct Mount {
  std::filesystem::path at;
  Mount(const char* source, const std::filesystem::path& target, const char* type,
        unsigned long flags, const char* options)
      : at(target) {
    std::filesystem::create_directories(target);
    BOOST_REQUIRE_MESSAGE(
        mount(source, target.c_str(), type, flags, options) == 0,
        "mount " + target.string() + ": " + std::strerror(errno) + " (these tests need root)");
  }
  ~Mount() { umount2(at.c_str(), MNT_DETACH); }
};

void set_read_only(const std::filesystem::path& at, bool read_only) {
  const unsigned long flags = MS_REMOUNT | MS_BIND | (read_only ? MS_RDONLY : 0);
  BOOST_REQUIRE_MESSAGE(mount(nullptr, at.c_str(), nullptr, flags, nullptr) == 0,
                        std::string("remount: ") + std::strerror(errno));
}

// Fills the filesystem of `path` until writes fail with ENOSPC.
void fill(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  const std::string block(4096, 'f');
  while (out.write(block.data(), block.size())) {
  }
}

std::uint64_t metric(int port, const std::string& name) {
  const auto body = fetch(port, "/metrics").body;
  const auto at = body.find("\n" + name + " ");
  return at == std::string::npos ? 0 : std::stoull(body.substr(at + name.size() + 2));
}

// A post of ~100 KB, `name`.md with the id `name`-post.
void write_big_post(const std::filesystem::path& store, const std::string& name = "big") {
  std::string body;
  while (body.size() < 100000) {
    body += "A long paragraph that fills the index beyond the space left on the disk.\n\n";
  }
  write_file(store / (name + ".md"),
             "---\ntitle: Big\ndate: 2025-06-01\nlang: en\nid: " + name + "-post\n---\n" + body);
}

// A store whose index is more than SQLite's page cache (2 MB): 10 posts and 40 of 100 KB.
void write_store_beyond_page_cache(const std::filesystem::path& store) {
  write_posts(store, 10);
  for (int i = 0; i < 40; ++i) {
    write_big_post(store, "big" + std::to_string(i));
  }
}

// Sets the environment variable `name` (so that children inherit it) for its lifetime.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    if (const char* was = std::getenv(name.c_str())) {
      old = was;
    }
    setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old) {
      setenv(name.c_str(), old->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
};

// The files `pid` has open that are deleted and were in `dir`.
std::vector<std::string> deleted_files_open(pid_t pid, const std::filesystem::path& dir) {
  std::vector<std::string> found;
  const auto canonical = std::filesystem::canonical(dir).string();
  std::error_code ec;
  for (const auto& fd :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    auto target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (!ec && target.starts_with(canonical + "/") && target.ends_with(" (deleted)")) {
      found.push_back(target);
    }
  }
  return found;
}

// `feedd serve` of a store beyond SQLite's page cache, its state directory read-only with no
// index in it, temporary files going to dir/tmp (TMPDIR, and SQLITE_TMPDIR, which SQLite asks
// first): a plain directory, or with `full_tmp` a full 1 MB tmpfs. Torn down in reverse.
struct ReadOnlyStateServe {
  TempDir dir;
  std::optional<Mount> tmp;
  std::optional<ScopedEnv> tmpdir;
  std::optional<ScopedEnv> sqlite_tmpdir;
  std::optional<Mount> state;
  std::optional<FeeddProcess> child;
  int port = 0;

  explicit ReadOnlyStateServe(bool full_tmp) {
    write_store_beyond_page_cache(dir / "posts");
    const auto config = serve_config(dir.path());
    if (full_tmp) {
      tmp.emplace("tmpfs", dir / "tmp", "tmpfs", 0, "size=1m");
      fill(dir / "tmp/filler");
    } else {
      std::filesystem::create_directories(dir / "tmp");
    }
    tmpdir.emplace("TMPDIR", (dir / "tmp").string());
    sqlite_tmpdir.emplace("SQLITE_TMPDIR", (dir / "tmp").string());
    state.emplace((dir / "state").c_str(), dir / "state", nullptr, MS_BIND, nullptr);
    set_read_only(dir / "state", true);
    child.emplace(config, dir / "serve.log");
    port = child->wait_for_port();
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_full_disk_keeps_the_last_snapshot_and_recovers_when_space_returns) {
  TempDir dir;
  write_posts(dir / "posts", 10);
  const auto config = serve_config(dir.path());
  Mount state("tmpfs", dir / "state", "tmpfs", 0, "size=1m");
  FeeddProcess child(config, dir / "serve.log");
  const int port = child.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port > 0, child.log());
  BOOST_TEST(fetch(port, "/healthz").body == "ok\n");
  BOOST_TEST(metric(port, "feedd_index_writable") == 1u);

  fill(dir / "state/filler");
  write_big_post(dir / "posts");
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return metric(port, "feedd_index_write_errors_total") >= 3; }, 20s),
      child.log());  // the first failure and two retries
  const auto health = fetch(port, "/healthz");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(health.body == "degraded: index not writable: database or disk is full\n");
  BOOST_TEST(metric(port, "feedd_index_writable") == 0u);
  const auto feed = fetch(port, "/feed.json");
  BOOST_TEST(feed.status == 200);
  BOOST_TEST(feed.body.find(":post-09\"") != std::string::npos);  // the last snapshot
  BOOST_TEST(feed.body.find(":big-post\"") == std::string::npos);
  BOOST_TEST(count_occurrences(child.log(), "is not writable") == 1u,
             child.log());  // once, not per retry

  std::filesystem::remove(dir / "state/filler");
  FEEDD_CHECK_AFTER(eventually([&] { return fetch(port, "/healthz").body == "ok\n"; }, 30s),
                    child.log());
  FEEDD_CHECK_AFTER(
      eventually(
          [&] { return fetch(port, "/feed.json").body.find(":big-post\"") != std::string::npos; },
          60s),  // a regeneration with a big post, maybe under ASan
      child.log());
  BOOST_TEST(metric(port, "feedd_index_writable") == 1u);
  BOOST_TEST(child.log().find("is writable again") != std::string::npos, child.log());
}

BOOST_AUTO_TEST_CASE(a_read_only_state_directory_serves_the_index_read_only_until_writable) {
  TempDir dir;
  write_posts(dir / "posts", 10);
  const auto config = serve_config(dir.path());
  const std::string listing = posts_listing(config);  // the index, made while writable
  std::filesystem::rename(dir / "state", dir / "real-state");
  Mount state((dir / "real-state").c_str(), dir / "state", nullptr, MS_BIND, nullptr);
  set_read_only(dir / "state", true);

  FeeddProcess child(config, dir / "serve.log");
  const int port = child.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port > 0, child.log());
  BOOST_TEST(child.log().find("serving it read-only") != std::string::npos, child.log());
  const auto health = fetch(port, "/healthz");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(health.body.starts_with("degraded: index not writable: "), health.body);
  BOOST_TEST(fetch(port, "/feed.json").body.find(":post-09\"") != std::string::npos);

  write_posts(dir / "posts", 12);  // two more posts: the scan cannot be saved
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return metric(port, "feedd_index_write_errors_total") >= 2; }), child.log());
  BOOST_TEST(fetch(port, "/feed.json").body.find(":post-09\"") != std::string::npos);

  set_read_only(dir / "state", false);
  write_posts(dir / "posts", 13);  // the next scan opens the real index again
  FEEDD_CHECK_AFTER(eventually([&] { return fetch(port, "/healthz").body == "ok\n"; }, 30s),
                    child.log());
  FEEDD_CHECK_AFTER(eventually([&] {
                      return fetch(port, "/feed.json").body.find(":post-12\"") != std::string::npos;
                    }),
                    child.log());
  BOOST_TEST(child.log().find("can be written again") != std::string::npos, child.log());
}

BOOST_AUTO_TEST_CASE(a_read_only_state_directory_without_an_index_serves_from_a_temporary_one) {
  TempDir dir;
  write_posts(dir / "posts", 10);
  const auto config = serve_config(dir.path());
  Mount state((dir / "state").c_str(), dir / "state", nullptr, MS_BIND, nullptr);
  set_read_only(dir / "state", true);

  FeeddProcess child(config, dir / "serve.log");
  const int port = child.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port > 0, child.log());
  BOOST_TEST(child.log().find("serving from a temporary index") != std::string::npos, child.log());
  BOOST_TEST(fetch(port, "/healthz").body.starts_with("degraded: index not writable: "));
  const auto feed = fetch(port, "/feed.json").body;
  for (int i = 0; i < 10; ++i) {
    BOOST_TEST(feed.find(":post-0" + std::to_string(i) + "\"") != std::string::npos);
  }
}

// The temporary index is a file (memory bounded at any store size): more than SQLite's page
// cache of a store (40 posts of 100 KB) goes to a deleted file in $TMPDIR.
BOOST_AUTO_TEST_CASE(the_temporary_index_is_a_file_in_tmpdir) {
  ReadOnlyStateServe serve(false);
  const auto log = serve.child->log();
  BOOST_REQUIRE_MESSAGE(serve.port > 0, log);
  BOOST_TEST(log.find("serving from a temporary index") != std::string::npos, log);
  BOOST_TEST(deleted_files_open(serve.child->pid(), serve.dir / "tmp").size() >= 1u, log);
  const auto feed = fetch(serve.port, "/feed.json").body;
  BOOST_TEST(feed.find(":big39-post\"") != std::string::npos);
}

// Where temporary files go is full too (a full disk that is also /tmp's): the store is
// served from memory rather than not at all.
BOOST_AUTO_TEST_CASE(a_full_temporary_directory_leaves_memory) {
  ReadOnlyStateServe serve(true);
  const auto log = serve.child->log();
  BOOST_REQUIRE_MESSAGE(serve.port > 0, log);
  BOOST_TEST(log.find("the temporary index cannot be written either") != std::string::npos, log);
  BOOST_TEST(fetch(serve.port, "/healthz").body.starts_with("degraded: index not writable: "));
  const auto feed = fetch(serve.port, "/feed.json").body;
  BOOST_TEST(feed.find(":big39-post\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
