// Runs hooks.command: an argument list executed directly (posix_spawnp, PATH searched, never a
// shell) in its own process group, stdin /dev/null, stdout+stderr captured (the last
// max_output bytes), killed as a group on timeout (SIGTERM, then SIGKILL after kill_grace).
// BLOCKING: run it off the I/O threads. Thread-safe: concurrent calls are independent, but the
// process must not reap children behind its back (no SIGCHLD = SIG_IGN, no waitpid(-1)).
// Failures (spawn error, non-zero exit, signal, timeout) are values; nothing throws.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace feedd::daemon {

struct HookCommandOptions {
  std::chrono::milliseconds timeout{60'000};    // hooks.command_timeout_s
  std::chrono::milliseconds kill_grace{2'000};  // SIGTERM → SIGKILL
  std::size_t max_output = 64 * 1024;           // bytes of output kept (the last ones)
};

enum class HookOutcome {
  exited,        // ran to the end; exit_code says how (0: success)
  signaled,      // killed by a signal it did not get from us; signal says which
  timed_out,     // ran past the timeout and was killed (SIGTERM, then SIGKILL if needed)
  spawn_failed,  // never ran (empty argv, command not found, ...); error says why
};

struct HookCommandResult {
  HookOutcome outcome = HookOutcome::spawn_failed;
  int exit_code = -1;             // for `exited`
  int signal = 0;                 // for `signaled`
  std::string error;              // for `spawn_failed`: strerror text
  std::string output;             // stdout and stderr interleaved, at most max_output bytes
  bool output_truncated = false;  // earlier output was dropped
  std::chrono::milliseconds elapsed{0};

  bool succeeded() const { return outcome == HookOutcome::exited && exit_code == 0; }
  // One line for the log: "exited 0 after 120 ms", "timed out after 60000 ms", ...
  std::string summary() const;
};

HookCommandResult run_hook_command(const std::vector<std::string>& argv,
                                   const HookCommandOptions& options = {});

}  // namespace feedd::daemon
