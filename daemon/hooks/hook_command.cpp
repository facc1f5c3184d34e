#include "daemon/hooks/hook_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>

#include "common/unique_fd.h"

namespace feedd::daemon {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Variables that speak for this process to systemd; a child must not inherit them.
bool is_service_manager_variable(std::string_view entry) {
  constexpr std::array<std::string_view, 6> kNames = {
      "NOTIFY_SOCKET=", "WATCHDOG_PID=", "WATCHDOG_USEC=",
      "LISTEN_PID=",    "LISTEN_FDS=",   "LISTEN_FDNAMES=",
  };
  return std::any_of(kNames.begin(), kNames.end(),
                     [&](std::string_view name) { return entry.starts_with(name); });
}

std::string errno_text(int error) { return std::strerror(error); }

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Reads the child's output and watches for its exit.
class ChildWatch {
 public:
  ChildWatch(pid_t pid, int output_fd, std::size_t max_output, HookCommandResult& result)
      : pid_(pid), fd_(output_fd), max_output_(max_output), result_(result) {}

  // Reads output until the child exits (true) or `until` passes (false). The child is not
  // reaped (WNOWAIT), so its process group id stays valid for kill().
  bool pump_until(Clock::time_point until) {
    while (true) {
      if (exited()) {
        return true;
      }
      auto now = Clock::now();
      if (now >= until) {
        return false;
      }
      auto wait = std::clamp(std::chrono::ceil<milliseconds>(until - now), milliseconds(1),
                             milliseconds(20));
      if (!eof_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) > 0) {
          read_some();
        }
      } else {
        std::this_thread::sleep_for(wait);
      }
    }
  }

  // After the exit: takes what is already in the pipe, without waiting for descendants that
  // may still hold it open.
  void drain() {
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    auto until = Clock::now() + milliseconds(100);
    while (!eof_ && Clock::now() < until && read_some()) {
    }
  }

  void finish_output() { keep_tail(max_output_); }

 private:
  bool exited() const {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid_;
  }

  // One read; false when nothing more is available now.
  bool read_some() {
    std::array<char, 16384> buffer;
    ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n > 0) {
      result_.output.append(buffer.data(), static_cast<std::size_t>(n));
      if (result_.output.size() > 2 * max_output_) {
        keep_tail(max_output_);
      }
      return true;
    }
    if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      eof_ = true;
    }
    return n < 0 && errno == EINTR;
  }

  void keep_tail(std::size_t size) {
    if (result_.output.size() > size) {
      result_.output.erase(0, result_.output.size() - size);
      result_.output_truncated = true;
    }
  }

  const pid_t pid_;
  const int fd_;
  const std::size_t max_output_;
  HookCommandResult& result_;
  bool eof_ = false;
};

// stdin from /dev/null, stdout and stderr into `output_fd`, nothing else inherited; its own
// process group (to kill it with its children), no blocked signals, and default dispositions
// for the signals a server commonly ignores (ignored ones survive exec).
void configure_spawn(SpawnSetup& setup, int output_fd) {
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, output_fd, 1);
  posix_spawn_file_actions_adddup2(&setup.actions, output_fd, 2);
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setsigmask(&setup.attr, &empty);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
}

// argv as posix_spawnp takes it: pointers into `argv`, null-terminated.
std::vector<char*> c_arguments(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  return args;
}

// Our environment without the variables that speak for this process to systemd.
std::vector<char*> child_environment() {
  std::vector<char*> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (!is_service_manager_variable(*entry)) {
      env.push_back(*entry);
    }
  }
  env.push_back(nullptr);
  return env;
}

// Collects the output of the started child `pid` until it exits or the timeout (counted from
// `start`) passes, then kills its group (SIGTERM, kill_grace, SIGKILL), reaps it and records
// how it ended.
void supervise(pid_t pid, int output_fd, const HookCommandOptions& options, Clock::time_point start,
               HookCommandResult& result) {
  ChildWatch watch(pid, output_fd, options.max_output, result);
  bool timed_out = !watch.pump_until(start + options.timeout);
  if (timed_out) {
    ::kill(-pid, SIGTERM);
    watch.pump_until(Clock::now() + options.kill_grace);
    // The leader is not reaped yet, so the group id cannot have been reused: this reaches
    // the leader if it ignored SIGTERM and any descendants it left behind.
    ::kill(-pid, SIGKILL);
  }
  watch.drain();
  watch.finish_output();

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.outcome = HookOutcome::timed_out;
  } else if (WIFEXITED(status)) {
    result.outcome = HookOutcome::exited;
    result.exit_code = WEXITSTATUS(status);
  } else {
    result.outcome = HookOutcome::signaled;
    result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
}

}  // namespace

HookCommandResult run_hook_command(const std::vector<std::string>& argv,
                                   const HookCommandOptions& options) {
  HookCommandResult result;
  auto start = Clock::now();
  auto finish = [&]() -> HookCommandResult {
    result.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    return std::move(result);
  };
  if (argv.empty() || argv.front().empty()) {
    result.error = "empty command";
    return finish();
  }

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    result.error = "pipe: " + errno_text(errno);
    return finish();
  }
  common::UniqueFd read_end(pipe_fds[0]);
  common::UniqueFd write_end(pipe_fds[1]);

  SpawnSetup setup;
  configure_spawn(setup, write_end.get());
  std::vector<char*> args = c_arguments(argv);
  std::vector<char*> env = child_environment();
  pid_t pid = -1;
  int error = ::posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), env.data());
  write_end.reset();
  if (error != 0) {
    result.error = argv.front() + ": " + errno_text(error);
    return finish();
  }
  supervise(pid, read_end.get(), options, start, result);
  return finish();
}

std::string HookCommandResult::summary() const {
  std::string after = " after " + std::to_string(elapsed.count()) + " ms";
  switch (outcome) {
    case HookOutcome::exited:
      return "exited " + std::to_string(exit_code) + after;
    case HookOutcome::signaled:
      return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")" + after;
    case HookOutcome::timed_out:
      return "timed out and was killed" + after;
    case HookOutcome::spawn_failed:
      break;
  }
  return "could not start: " + error;
}

}  // namespace feedd::daemon
