// `feedd serve` as a child process: the start-up line, SIGHUP rebuilds, and SIGTERM while a
// large response is still being written lets that response finish, then exits 0.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>

#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(serve_test)

namespace {

using namespace std::chrono_literals;

// `feedd serve` of a store holding one English post, posts/a.md, first titled "First title".
struct OnePostServer {
  TempDir dir;
  const std::string server = "[server]\nlisten = [\"127.0.0.1:0\"]\n";
  std::filesystem::path config;
  std::unique_ptr<FeeddProcess> child;
  int port = 0;

  OnePostServer() {
    write_post("First title");
    config = write_config(dir.path(), dir / "posts", dir / "index.sqlite", server);
    child = std::make_unique<FeeddProcess>(config, dir / "serve.log");
    port = child->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, child->log());
    BOOST_REQUIRE(serves("First title"));
  }
  void write_post(const std::string& title) {
    write_file(dir / "posts/a.md",
               "---\ntitle: " + title + "\ndate: 2025-01-02\nlang: en\n---\nText.\n");
  }
  bool serves(const std::string& text) const {
    return fetch(port, "/en/atom.xml").body.find(text) != std::string::npos;
  }
  bool logged(const std::string& text) const {
    return child->log().find(text) != std::string::npos;
  }
};

// A client with a tiny receive buffer, so that a large response stays in flight.
int connect_slow_reader(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int small = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char buffer[65536];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) {
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigterm_finishes_the_response_in_flight_and_exits_0) {
  TempDir dir;
  // One big post (about 6 MB of text) makes every English feed big; repetitive text keeps
  // its compression fast.
  std::string body;
  for (int i = 0; i < 60000; ++i) {
    body += "Paragraph number " + std::to_string(i) + " of a very long post.\n\n";
  }
  write_file(dir / "posts/big.md", "---\ntitle: Big\ndate: 2025-01-02\nlang: en\n---\n" + body);
  auto config = write_config(dir.path(), dir / "posts", dir / "index.sqlite",
                             "[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 2\n");
  FeeddProcess child(config, dir / "serve.log");
  const int port = child.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port > 0, child.log());

  // SIGHUP rebuilds without changing anything.
  child.signal(SIGHUP);
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return child.log().find("snapshot 2 published") != std::string::npos; },
                 120s),
      child.log());
  BOOST_TEST(child.log().find("snapshot 2 published, 0 of") != std::string::npos, child.log());

  const int fd = connect_slow_reader(port);
  const std::string request = "GET /en/feed.json HTTP/1.1\r\nHost: t\r\n\r\n";
  BOOST_REQUIRE(write(fd, request.data(), request.size()) == ssize_t(request.size()));
  // The response has begun (its first bytes are here); most of it cannot fit in our buffers.
  char first[256];
  const ssize_t got = read(fd, first, sizeof first);
  BOOST_REQUIRE(got > 0);
  child.signal(SIGTERM);
  FEEDD_REQUIRE_AFTER(
      eventually(
          [&] { return child.log().find("finishing in-flight responses") != std::string::npos; },
          120s),
      child.log());
  BOOST_TEST(child.wait_exit(200ms) == -1);  // still draining: it waits for our response
  const std::string response = std::string(first, static_cast<std::size_t>(got)) + read_all(fd);
  close(fd);
  const auto length_at = response.find("Content-Length: ");
  BOOST_REQUIRE(length_at != std::string::npos);
  const std::size_t length = std::stoul(response.substr(length_at + 16));
  const std::size_t body_at = response.find("\r\n\r\n") + 4;
  BOOST_TEST(length > 1000000u);
  BOOST_TEST(response.size() - body_at == length);  // the whole body arrived
  BOOST_TEST(child.wait_exit(10000ms) == 0, child.log());
  BOOST_TEST(child.log().find("stopped") != std::string::npos);
}

// server.max_age_s is in the RSS <ttl> and in Cache-Control: a SIGHUP that changes it changes
// both at once (the headers used to keep the value read at start while the bytes changed).
// A key it cannot apply is named in a warning.
BOOST_FIXTURE_TEST_CASE(a_reload_changes_max_age_in_the_headers_with_the_ttl, OnePostServer) {
  auto head = [&](const std::string& path) {
    return run_command({"curl", "-s", "-D", "-", "-o", "/dev/null",
                        "http://127.0.0.1:" + std::to_string(port) + path})
        .output;
  };
  BOOST_TEST(head("/en/rss.xml").find("Cache-Control: public, max-age=300\r\n") !=
             std::string::npos);
  BOOST_TEST(fetch(port, "/en/rss.xml").body.find("<ttl>5</ttl>") != std::string::npos);
  write_config(dir.path(), dir / "posts", dir / "index.sqlite",
               server + "max_age_s = 120\nmin_poll_s = 30\n");
  child->signal(SIGHUP);
  FEEDD_REQUIRE_AFTER(eventually([&] { return logged("snapshot 2 published"); }, 120s),
                      child->log());
  BOOST_TEST(fetch(port, "/en/rss.xml").body.find("<ttl>2</ttl>") != std::string::npos);
  // What a reload cannot apply is said, not silently left as it was.
  BOOST_TEST(logged("SIGHUP: server.min_poll_s changed: the running values stay until the next "
                    "start"),
             child->log());
  for (const char* path : {"/en/rss.xml", "/en/atom.xml", "/"}) {
    BOOST_TEST(head(path).find("Cache-Control: public, max-age=120\r\n") != std::string::npos,
               path << ": " << head(path));
  }
}

// Another process holding the index's write lock (a `feedd build` on the same index) fails
// the scan of an edit. The edit must still be served once the lock is gone, though a scan of
// another file succeeds first: the failed scan is retried as a whole rescan, which that
// later success does not cancel; the edit is not left for the periodic rescan (10 minutes
// by default).
BOOST_FIXTURE_TEST_CASE(an_edit_met_by_a_lock_held_elsewhere_is_served_after_it, OnePostServer) {
  {
    SQLite::Database holder((dir / "index.sqlite").string(), SQLite::OPEN_READWRITE);
    holder.exec("BEGIN IMMEDIATE");
    write_post("Second title");
    FEEDD_REQUIRE_AFTER(
        eventually([&] { return logged("failed, still serving the last snapshot"); }, 60s),
        child->log());
    holder.exec("ROLLBACK");
  }
  // Scanned within the debounce, well before the first retry (1 s after the failure).
  write_file(dir / "posts/b.md", "---\ntitle: Other post\ndate: 2025-01-03\nlang: en\n---\nB.\n");
  FEEDD_REQUIRE_AFTER(eventually([&] { return serves("Other post"); }, 60s), child->log());
  FEEDD_CHECK_AFTER(eventually([&] { return serves("Second title"); }, 60s), child->log());
}

// A reload whose configuration loads but whose pipeline cannot open (its index is locked by
// another process, say a `feedd build` on it) keeps the running pipeline: it serves, it
// watches the store again (an edit after the failure is served), and a good configuration
// reloads afterwards.
BOOST_FIXTURE_TEST_CASE(a_reload_that_fails_after_its_configuration_loads_keeps_watching,
                        OnePostServer) {
  const std::string good = read_file(config);
  {
    SQLite::Database locked((dir / "locked.sqlite").string(),
                            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    locked.exec("BEGIN EXCLUSIVE; CREATE TABLE held (x)");
    write_config(dir.path(), dir / "posts", dir / "locked.sqlite", server);
    child->signal(SIGHUP);
    FEEDD_REQUIRE_AFTER(eventually([&] { return logged("reload failed"); }, 60s), child->log());
    BOOST_TEST(logged("locked.sqlite"), child->log());  // said why
  }

  write_post("Second title");
  FEEDD_CHECK_AFTER(eventually([&] { return serves("Second title"); }, 60s), child->log());

  write_file(config, good);
  child->signal(SIGHUP);
  FEEDD_CHECK_AFTER(eventually([&] { return logged("configuration reloaded"); }, 60s),
                    child->log());
  write_post("Third title");
  FEEDD_CHECK_AFTER(eventually([&] { return serves("Third title"); }, 60s), child->log());
}

BOOST_AUTO_TEST_CASE(a_bad_listen_address_fails_start_up) {
  TempDir dir;
  write_file(dir / "posts/a.md", "---\ntitle: A\ndate: 2025-01-02\nlang: en\n---\nA\n");
  auto config = write_config(dir.path(), dir / "posts", dir / "index.sqlite",
                             "[server]\nlisten = [\"192.0.2.1:1\"]\n");
  FeeddProcess child(config, dir / "serve.log");
  BOOST_TEST(child.wait_exit(10000ms) == 1, child.log());
  BOOST_TEST(child.log().find("cannot listen on 192.0.2.1:1") != std::string::npos, child.log());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
