// A `feedd serve` child process for integration tests: started on a configuration, its
// stderr captured in a file, killed (SIGKILL) on destruction if still running; a sanitizer
// report in its log fails the running test then. Also a small curl-based fetch for headers
// and bodies. Not thread-safe; one object per test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace feedd::testing {

class FeeddProcess {
 public:
  // `open_files` > 0: the child's soft and hard RLIMIT_NOFILE, set before exec. `under`: a
  // command that runs feedd, which it is given as its last arguments (`unshare ... sh -c
  // '... exec "$@"' sh`), and which execs it, so that pid() is feedd's.
  FeeddProcess(const std::filesystem::path& config, const std::filesystem::path& log,
               int open_files = 0, const std::vector<std::string>& under = {});
  ~FeeddProcess();
  FeeddProcess(const FeeddProcess&) = delete;
  FeeddProcess& operator=(const FeeddProcess&) = delete;

  // Waits (up to 120 s) for the start-up line and returns the IPv4 port it names (0 on failure).
  int wait_for_port();
  // The exit status, waiting at most `limit` (-1 while still running).
  int wait_exit(std::chrono::milliseconds limit);
  void signal(int number);
  std::string log() const;
  pid_t pid() const { return pid_; }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

// The first AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer or ThreadSanitizer
// report in `log` (its first 4000 bytes), or "" when there is none.
std::string sanitizer_report(const std::string& log);

struct Fetched {
  int status = 0;
  std::string etag;  // the ETag header's value, quotes included ("" when absent)
  std::string body;
};

// GET http://127.0.0.1:port/path with curl (no compression), sending `headers`
// ("If-None-Match: \"...\"").
Fetched fetch(int port, const std::string& path, const std::vector<std::string>& headers = {});

// Polls `condition` every 20 ms until it holds or `limit` passes; returns whether it held.
// The default limit is long because only a failing test waits it out: sanitizer builds on
// two busy cores take seconds for what takes milliseconds in a release build.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = std::chrono::seconds(30));

}  // namespace feedd::testing

// BOOST_TEST(condition, message) passes both to one function call, whose arguments g++
// evaluates right to left: the message (a log, say) would be read before a waiting condition
// ran, showing the state before the wait. These evaluate the condition first.
#define FEEDD_CHECK_AFTER(condition, message)       \
  do {                                              \
    const bool feedd_condition_held_ = (condition); \
    BOOST_TEST(feedd_condition_held_, message);     \
  } while (false)
#define FEEDD_REQUIRE_AFTER(condition, message)            \
  do {                                                     \
    const bool feedd_condition_held_ = (condition);        \
    BOOST_REQUIRE_MESSAGE(feedd_condition_held_, message); \
  } while (false)
