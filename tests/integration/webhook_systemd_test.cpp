// The real daemon as systemd and webhook senders see it: signed GitHub and Standard Webhooks
// requests trigger hooks.command and a rescan, forged ones do nothing; the sd_notify
// messages arrive on a NOTIFY_SOCKET the test owns; socket activation serves on a socket the
// test passes with LISTEN_FDS.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <ctime>
#include <mutex>
#include <thread>

#include "common/encoding.h"
#include "common/hmac.h"
#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(webhook_systemd_test)

namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "It's a Secret to Everybody";

struct HookFixture {
  TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::filesystem::path ran = dir / "ran";
  std::unique_ptr<FeeddProcess> feedd;
  int port = 0;

  explicit HookFixture(const std::string& command_timeout = "60", const std::string& sleep = "0") {
    write_file(store / "a.md", "---\ntitle: A\ndate: 2025-01-01\nlang: en\n---\nx\n");
    // The command records each run, then sleeps `sleep` seconds and waits while the file
    // <ran>.hold exists; "$(...)" and ";" in its arguments stay literal text.
    auto config = write_config(
        dir.path(), store, dir / "index.sqlite",
        "[server]\nlisten = [\"127.0.0.1:0\"]\n[hooks]\nsecret = \"" + std::string(kSecret) +
            "\"\nmax_body = 4096\ncommand_timeout_s = " + command_timeout +
            "\ncommand = [\"sh\", \"-c\", \"echo run >> \\\"$0\\\"; sleep \\\"$1\\\"; "
            "while [ -e \\\"$0.hold\\\" ]; do sleep 0.02; done\", \"" +
            ran.string() + "\", \"" + sleep + "\"]\n");
    feedd = std::make_unique<FeeddProcess>(config, dir / "serve.log");
    port = feedd->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  }

  // POSTs `body` with `headers` (each "Name: value"); returns "status body".
  std::string post(const std::vector<std::string>& headers, const std::string& body) {
    std::vector<std::string> argv{"curl",          "-s", "-X", "POST",
                                  "--max-time",    "5",  "-w", " %{http_code}",
                                  "--data-binary", body};
    for (const auto& header : headers) {
      argv.push_back("-H");
      argv.push_back(header);
    }
    argv.push_back("http://127.0.0.1:" + std::to_string(port) + "/hooks/rebuild");
    auto result = run_command(argv);
    auto space = result.output.rfind(' ');
    return result.output.substr(space + 1) + " " + result.output.substr(0, space);
  }
  int runs() {
    std::error_code ec;
    if (!std::filesystem::exists(ran, ec)) {
      return 0;
    }
    auto text = read_file(ran);
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }
};

std::string github_signature(const std::string& body, const std::string& secret = kSecret) {
  return "X-Hub-Signature-256: sha256=" +
         common::hex_encode(common::as_bytes(common::hmac_sha256(secret, body)));
}

std::vector<std::string> standard_headers(const std::string& id, std::time_t timestamp,
                                          const std::string& body) {
  auto ts = std::to_string(timestamp);
  auto mac = common::hmac_sha256(kSecret, id + "." + ts + "." + body);
  return {"webhook-id: " + id, "webhook-timestamp: " + ts,
          "webhook-signature: v1," + common::base64_encode(common::as_bytes(mac))};
}

// systemd's side of NOTIFY_SOCKET: a datagram socket bound in a test directory; drain()
// collects the messages that have arrived, one per datagram, in order.
// The service manager's end of NOTIFY_SOCKET. A thread receives all the time, as systemd
// does: sd_notify() blocks once net.unix.max_dgram_qlen (10) datagrams wait, and feedd sends
// one per 1,024 files read before the test looks. `messages` is the test thread's copy, as of
// its last drain().
struct NotifyListener {
  std::filesystem::path path;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  std::vector<std::string> messages;

  explicit NotifyListener(std::filesystem::path where) : path(std::move(where)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    const timeval tick{0, 50'000};  // how soon the receiving thread sees `done`
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick);
    receiver = std::thread([this] { receive(); });
  }
  ~NotifyListener() {
    done = true;
    receiver.join();
    close(fd);
  }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  // feedd serving `config`, told to notify here, with WATCHDOG_USEC=`watchdog_usec`.
  std::unique_ptr<FeeddProcess> start(const std::filesystem::path& config,
                                      const std::filesystem::path& log, const char* watchdog_usec) {
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
    setenv("WATCHDOG_USEC", watchdog_usec, 1);
    auto feedd = std::make_unique<FeeddProcess>(config, log);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    return feedd;
  }
  void drain() {
    const std::lock_guard lock(mutex);
    messages.insert(messages.end(), received.begin(), received.end());
    received.clear();
  }
  // The index of the first message from `from` on that contains `text`; size() if none.
  std::size_t find(std::string_view text, std::size_t from = 0) const {
    for (std::size_t i = from; i < messages.size(); ++i) {
      if (messages[i].find(text) != std::string::npos) {
        return i;
      }
    }
    return messages.size();
  }
  // Waits for a message from `from` on that contains `text`.
  bool wait_for(std::string_view text, std::size_t from = 0) {
    return eventually([&] {
      drain();
      return find(text, from) < messages.size();
    });
  }
  std::string all() const {
    std::string text;
    for (const auto& message : messages) {
      text += message + " | ";
    }
    return text;
  }

 private:
  void receive() {
    char buffer[4096];
    while (!done) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        const std::lock_guard lock(mutex);
        received.emplace_back(buffer, static_cast<std::size_t>(n));
      }
    }
  }

  std::atomic<bool> done{false};
  std::mutex mutex;
  std::vector<std::string> received;  // guarded by mutex
  std::thread receiver;
};

}  // namespace

BOOST_AUTO_TEST_CASE(webhook_matrix_against_the_running_daemon) {
  HookFixture f;
  const std::string body = R"({"ref":"refs/heads/main"})";
  // GitHub ping: answered, nothing runs.
  BOOST_TEST(f.post({"X-GitHub-Event: ping", "X-GitHub-Delivery: p1", github_signature(body)}, body)
                 .rfind("200 ", 0) == 0u);
  // Forged: wrong secret, missing signature, malformed header, stale timestamp.
  BOOST_TEST(
      f.post({"X-GitHub-Event: push", "X-GitHub-Delivery: x1", github_signature(body, "wrong")},
             body)
          .rfind("401 ", 0) == 0u);
  BOOST_TEST(f.post({"X-GitHub-Event: push", "X-GitHub-Delivery: x2"}, body).rfind("401 ", 0) ==
             0u);
  BOOST_TEST(f.post({"X-Hub-Signature-256: sha1=abc"}, body).rfind("401 ", 0) == 0u);
  BOOST_TEST(
      f.post(standard_headers("msg_old", std::time(nullptr) - 600, body), body).rfind("401 ", 0) ==
      0u);
  // Oversized body: 413 before any check.
  BOOST_TEST(
      f.post({github_signature(std::string(8192, 'x'))}, std::string(8192, 'x')).rfind("413", 0) ==
      0u);
  // Each answer was decided and logged before it was sent, and only an accepted hook queues
  // a run: four refusals logged, none accepted, is nothing run.
  BOOST_TEST(count_occurrences(f.feedd->log(), "webhook: refused") == 4u, f.feedd->log());
  BOOST_TEST(count_occurrences(f.feedd->log(), "webhook: accepted") == 0u, f.feedd->log());
  BOOST_TEST(f.runs() == 0, "nothing runs for a forged or unsigned hook");

  // Valid GitHub push: 202, the command runs, a rescan follows.
  auto accepted =
      f.post({"X-GitHub-Event: push", "X-GitHub-Delivery: d1", github_signature(body)}, body);
  BOOST_TEST(accepted.rfind("202 ", 0) == 0u, accepted);
  BOOST_TEST(accepted.find("\"accepted\"") != std::string::npos, accepted);
  FEEDD_CHECK_AFTER(eventually([&] { return f.runs() == 1; }), f.feedd->log());
  // Replayed delivery id: refused, not run again.
  BOOST_TEST(f.post({"X-GitHub-Event: push", "X-GitHub-Delivery: d1", github_signature(body)}, body)
                 .rfind("409 ", 0) == 0u);
  // Valid Standard Webhooks message, then its replay.
  auto headers = standard_headers("msg_1", std::time(nullptr), body);
  BOOST_TEST(f.post(headers, body).rfind("202 ", 0) == 0u);
  FEEDD_CHECK_AFTER(eventually([&] { return f.runs() == 2; }), f.feedd->log());
  BOOST_TEST(f.post(headers, body).rfind("409 ", 0) == 0u);
  // Start-up's scan and one rescan per run: the second run is over.
  FEEDD_CHECK_AFTER(eventually([&] { return count_occurrences(f.feedd->log(), "scanned ") == 3u; }),
                    f.feedd->log());
  BOOST_TEST(count_occurrences(f.feedd->log(), "webhook: accepted") == 2u, f.feedd->log());
  BOOST_TEST(f.runs() == 2);
  BOOST_TEST(f.feedd->log().find("hooks.command sh: exited 0") != std::string::npos,
             f.feedd->log());
}

BOOST_AUTO_TEST_CASE(burst_of_hooks_is_one_run) {
  HookFixture f;
  const std::string body = "{}";
  auto hook = [&](const std::string& delivery) {
    return f.post(
        {"X-GitHub-Event: push", "X-GitHub-Delivery: " + delivery, github_signature(body)}, body);
  };
  const auto hold = f.ran.string() + ".hold";
  write_file(hold, "");  // the first run waits until this file is removed
  BOOST_TEST(hook("first").rfind("202 ", 0) == 0u);
  FEEDD_REQUIRE_AFTER(eventually([&] { return f.runs() == 1; }), f.feedd->log());
  // 10 distinct valid hooks at once, however they are spread in time, while that run holds
  // the worker: the first queues a job, the other nine join it.
  std::vector<std::string> answers(10);
  std::vector<std::thread> senders;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    senders.emplace_back([&, i] { answers[i] = hook("burst" + std::to_string(i)); });
  }
  for (auto& sender : senders) {
    sender.join();
  }
  for (const auto& answer : answers) {
    BOOST_TEST(answer.rfind("202 ", 0) == 0u, answer);
  }
  BOOST_TEST(count_occurrences(f.feedd->log(), "this hook joins it") == 9u, f.feedd->log());
  std::filesystem::remove(hold);
  // Start-up's scan, then one rescan after each run: the queued job has run.
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return count_occurrences(f.feedd->log(), "scanned ") == 3u; }, 15s),
      f.feedd->log());
  BOOST_TEST(f.runs() == 2, "the burst joined one job: " << f.runs() - 1 << " runs");
}

BOOST_AUTO_TEST_CASE(command_over_its_time_limit_is_killed_and_the_rescan_still_runs) {
  HookFixture f("1", "30");  // command_timeout_s = 1; the command sleeps 30 s
  const std::string body = "{}";
  auto started = std::chrono::steady_clock::now();
  BOOST_TEST(f.post({"X-GitHub-Delivery: slow", github_signature(body)}, body).rfind("202 ", 0) ==
             0u);
  const bool killed =
      eventually([&] { return f.feedd->log().find("timed out") != std::string::npos; }, 10s);
  BOOST_TEST(killed, f.feedd->log());
  BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
  const bool rescanned =
      eventually([&] { return count_occurrences(f.feedd->log(), "scanned ") >= 2; }, 5s);
  BOOST_TEST(rescanned, f.feedd->log());
}

BOOST_AUTO_TEST_CASE(notify_socket_receives_ready_reloading_stopping_watchdog) {
  TempDir dir;
  write_file(dir / "posts/a.md", "---\ntitle: A\ndate: 2025-01-01\nlang: en\n---\nx\n");
  auto config = write_config(dir.path(), dir / "posts", dir / "index.sqlite",
                             "[server]\nlisten = [\"127.0.0.1:0\"]\n");
  NotifyListener notify(dir / "notify.sock");
  auto feedd = notify.start(config, dir / "serve.log", "400000");  // 0.4 s: pings every 0.2 s

  BOOST_REQUIRE(feedd->wait_for_port() > 0);
  FEEDD_CHECK_AFTER(notify.wait_for("READY=1"), notify.all());
  FEEDD_CHECK_AFTER(notify.wait_for("WATCHDOG=1"), notify.all());
  feedd->signal(SIGHUP);
  FEEDD_CHECK_AFTER(notify.wait_for("RELOADING=1"), notify.all());
  feedd->signal(SIGTERM);
  FEEDD_CHECK_AFTER(notify.wait_for("STOPPING=1"), notify.all());
  BOOST_TEST(feedd->wait_exit(5s) == 0);
  BOOST_TEST(notify.find("STATUS=") < notify.messages.size(), notify.all());
}

// A scan that reads the whole store keeps the control thread, and so its watchdog timer,
// busy for minutes at a million posts: each chunk of 1,024 files read says how far it is
// (STATUS=, with more start/reload time) and pings the watchdog. Here 2,100 files are read
// at start-up and again by a reload that changes site.timezone (every file is read anew).
BOOST_AUTO_TEST_CASE(long_scans_at_start_and_reload_report_progress_and_ping_the_watchdog) {
  TempDir dir;
  for (int i = 0; i < 2100; ++i) {
    write_file(dir / "posts" / ("p" + std::to_string(i) + ".md"),
               "---\ntitle: P" + std::to_string(i) + "\ndate: 2025-01-01\nlang: en\n---\nx\n");
  }
  auto config = write_config(dir.path(), dir / "posts", dir / "index.sqlite",
                             "[server]\nlisten = [\"127.0.0.1:0\"]\n");
  NotifyListener notify(dir / "notify.sock");
  // The unit's 30 s: the timer pings every 15 s, so a ping right after a chunk is the scan's.
  auto feedd = notify.start(config, dir / "serve.log", "30000000");
  const auto& messages = notify.messages;

  BOOST_REQUIRE(feedd->wait_for_port() > 0);
  FEEDD_CHECK_AFTER(notify.wait_for("READY=1"), notify.all());
  const std::size_t ready = notify.find("READY=1");
  // Each chunk before READY=1, each followed by its watchdog ping.
  const std::size_t first = notify.find("STATUS=scanning the store: 1024 of 2100 files read");
  const std::size_t second = notify.find("STATUS=scanning the store: 2048 of 2100 files read");
  const std::size_t last = notify.find("STATUS=scanning the store: 2100 of 2100 files read");
  BOOST_TEST(first < second, notify.all());
  BOOST_TEST(second < last, notify.all());
  BOOST_TEST(last < ready, notify.all());
  BOOST_TEST(notify.find("STATUS=rendering the feeds: 2100 post files", last) < ready,
             notify.all());
  for (const std::size_t chunk : {first, second, last}) {
    BOOST_REQUIRE(chunk + 1 < messages.size());
    BOOST_TEST(messages[chunk].find("EXTEND_TIMEOUT_USEC=120000000") != std::string::npos,
               notify.all());
    BOOST_TEST(messages[chunk + 1] == "WATCHDOG=1", notify.all());
  }

  auto text = read_file(config);
  text.replace(text.find("Asia/Tokyo"), std::string_view("Asia/Tokyo").size(), "America/New_York");
  write_file(config, text);
  feedd->signal(SIGHUP);
  FEEDD_CHECK_AFTER(notify.wait_for("READY=1", ready + 1), notify.all());
  const std::size_t reloading = notify.find("RELOADING=1", ready + 1);
  const std::size_t reread = notify.find("STATUS=scanning the store: 2100 of 2100", ready + 1);
  const std::size_t reloaded = notify.find("READY=1", ready + 1);
  BOOST_TEST(reloading < reread, notify.all());
  BOOST_TEST(reread < reloaded, notify.all());
  // The reload's first sign of life comes before it reads the configuration, with more time.
  BOOST_REQUIRE(reloading + 1 < messages.size());
  BOOST_TEST(messages[reloading + 1].starts_with("STATUS=reloading "), notify.all());
  BOOST_TEST(messages[reloading + 1].find("EXTEND_TIMEOUT_USEC=120000000") != std::string::npos,
             notify.all());
  // After the scan, the feeds are rendered: said before the reload is done.
  const std::size_t rendering = notify.find("STATUS=rendering the feeds: 2100 post files", reread);
  BOOST_TEST(rendering < reloaded, notify.all());
  BOOST_REQUIRE(reread + 1 < messages.size());
  BOOST_TEST(messages[reread + 1] == "WATCHDOG=1", notify.all());
  feedd->signal(SIGTERM);
  BOOST_TEST(feedd->wait_exit(5s) == 0);
}

BOOST_AUTO_TEST_CASE(socket_activation_serves_on_the_passed_socket) {
  TempDir dir;
  write_file(dir / "posts/a.md", "---\ntitle: Activated\ndate: 2025-01-01\nlang: en\n---\nx\n");
  // listen is ignored when systemd passes sockets: a bogus address proves it.
  auto config = write_config(dir.path(), dir / "posts", dir / "index.sqlite",
                             "[server]\nlisten = [\"192.0.2.1:1\"]\n");
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  BOOST_REQUIRE(listen(listener, 16) == 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);

  const std::string binary = feedd_binary().string();
  const std::string log_path = (dir / "serve.log").string();
  pid_t pid = fork();
  if (pid == 0) {
    // As systemd does: the socket at fd 3, LISTEN_PID naming this process.
    dup2(listener, 3);
    fcntl(3, F_SETFD, 0);  // dup2 onto itself (listener == 3) would keep FD_CLOEXEC
    setenv("LISTEN_FDS", "1", 1);
    setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, 2);
    execl(binary.c_str(), "feedd", "--config", config.c_str(), "serve", nullptr);
    _exit(127);
  }
  close(listener);
  const bool served = eventually(
      [&] { return fetch(port, "/en/atom.xml").body.find("Activated") != std::string::npos; });
  BOOST_TEST(served, read_file(dir / "serve.log"));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "wait status "
                                                                  << status << ":\n"
                                                                  << read_file(dir / "serve.log"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
