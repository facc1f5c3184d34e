// hooks.command runs without a shell, in its own process group, with a time limit: exit
// codes, captured and bounded output, timeouts that kill the whole group (also when SIGTERM is
// ignored), literal arguments, spawn errors, and what the child does not inherit.
#include "daemon/hooks/hook_command.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>

#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(hook_command)

namespace {

using namespace std::chrono_literals;

// True when `pid` has exited (gone, or a zombie nobody reaps in this container).
bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return true;
  }
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

BOOST_AUTO_TEST_CASE(success_and_non_zero_exit) {
  HookCommandResult ok = run_hook_command({"true"});
  BOOST_TEST(ok.succeeded());
  BOOST_TEST((ok.outcome == HookOutcome::exited));
  BOOST_TEST(ok.exit_code == 0);
  BOOST_TEST(ok.summary().starts_with("exited 0 after "));

  HookCommandResult failed = run_hook_command({"sh", "-c", "exit 3"});
  BOOST_TEST(!failed.succeeded());
  BOOST_TEST((failed.outcome == HookOutcome::exited));
  BOOST_TEST(failed.exit_code == 3);
}

BOOST_AUTO_TEST_CASE(stdout_and_stderr_are_captured) {
  HookCommandResult r = run_hook_command({"sh", "-c", "echo to-stdout; echo to-stderr >&2"});
  BOOST_TEST(r.succeeded());
  BOOST_TEST(r.output == "to-stdout\nto-stderr\n");
  BOOST_TEST(!r.output_truncated);
}

BOOST_AUTO_TEST_CASE(output_keeps_only_the_last_bytes) {
  HookCommandOptions options;
  options.max_output = 1000;
  HookCommandResult r =
      run_hook_command({"sh", "-c", "head -c 300000 /dev/zero | tr '\\0' a; printf END"}, options);
  BOOST_TEST(r.succeeded());
  BOOST_TEST(r.output.size() == 1000u);
  BOOST_TEST(r.output_truncated);
  BOOST_TEST(r.output.ends_with("aaaEND"));
}

BOOST_AUTO_TEST_CASE(arguments_are_passed_literally_without_a_shell) {
  testing::TempDir dir;
  std::string marker = (dir / "injected").string();
  HookCommandResult r =
      run_hook_command({"printf", "%s\\n", "a; touch " + marker, "$(touch " + marker + ")",
                        "`touch " + marker + "`", "$HOME", "*", "x > " + marker});
  BOOST_TEST(r.succeeded());
  BOOST_TEST(r.output == "a; touch " + marker + "\n$(touch " + marker + ")\n`touch " + marker +
                             "`\n$HOME\n*\nx > " + marker + "\n");
  BOOST_TEST(!std::filesystem::exists(marker));
}

BOOST_AUTO_TEST_CASE(timeout_kills_a_long_command_within_the_limit) {
  HookCommandOptions options;
  options.timeout = 300ms;
  HookCommandResult r = run_hook_command({"sleep", "30"}, options);
  BOOST_TEST((r.outcome == HookOutcome::timed_out));
  BOOST_TEST(!r.succeeded());
  BOOST_TEST(r.elapsed >= 300ms);
  // Far below the command's own 30 s, however busy the machine: it was killed, not awaited.
  BOOST_TEST(r.elapsed < 15s);
  BOOST_TEST(r.summary().starts_with("timed out"));
}

BOOST_AUTO_TEST_CASE(timeout_kills_the_whole_process_group) {
  testing::TempDir dir;
  auto pid_file = dir / "child.pid";
  HookCommandOptions options;
  options.timeout = 300ms;
  HookCommandResult r = run_hook_command(
      {"sh", "-c", "sleep 30 & echo $! > " + pid_file.string() + "; echo started; wait"}, options);
  BOOST_TEST((r.outcome == HookOutcome::timed_out));
  BOOST_TEST(r.output == "started\n");  // output before the kill is kept
  pid_t grandchild = std::stoi(testing::read_file(pid_file));
  for (int i = 0; i < 1000 && !process_gone(grandchild); ++i) {  // up to 10 s
    usleep(10'000);
  }
  BOOST_TEST(process_gone(grandchild));
}

BOOST_AUTO_TEST_CASE(a_command_ignoring_sigterm_gets_sigkill_after_the_grace) {
  HookCommandOptions options;
  options.timeout = 200ms;
  options.kill_grace = 300ms;
  HookCommandResult r =
      run_hook_command({"sh", "-c", "trap '' TERM; echo trapped; sleep 30"}, options);
  BOOST_TEST((r.outcome == HookOutcome::timed_out));
  BOOST_TEST(r.elapsed >= 500ms);
  BOOST_TEST(r.elapsed < 15s);  // SIGKILL ended it, long before its 30 s
  BOOST_TEST(r.output == "trapped\n");
}

BOOST_AUTO_TEST_CASE(a_command_killed_by_a_signal) {
  HookCommandResult r = run_hook_command({"sh", "-c", "kill -KILL $$"});
  BOOST_TEST((r.outcome == HookOutcome::signaled));
  BOOST_TEST(r.signal == SIGKILL);
  BOOST_TEST(r.summary().starts_with("killed by signal 9"));
}

BOOST_AUTO_TEST_CASE(spawn_errors_are_values) {
  HookCommandResult missing = run_hook_command({"feedd-no-such-command-anywhere", "x"});
  BOOST_TEST((missing.outcome == HookOutcome::spawn_failed));
  BOOST_TEST(missing.error.find("No such file") != std::string::npos);
  BOOST_TEST(missing.summary().starts_with("could not start: "));
  HookCommandResult empty = run_hook_command({});
  BOOST_TEST((empty.outcome == HookOutcome::spawn_failed));
  testing::TempDir dir;
  testing::write_file(dir / "not-executable", "#!/bin/sh\n");
  HookCommandResult denied = run_hook_command({(dir / "not-executable").string()});
  BOOST_TEST((denied.outcome == HookOutcome::spawn_failed));
}

BOOST_AUTO_TEST_CASE(stdin_is_empty_and_descriptors_are_not_inherited) {
  HookCommandResult cat = run_hook_command({"cat"});
  BOOST_TEST(cat.succeeded());
  BOOST_TEST(cat.output.empty());

  int fd = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  BOOST_REQUIRE(fd >= 0);
  int high = ::dup2(fd, 57);
  HookCommandResult fds = run_hook_command({"ls", "/proc/self/fd"});
  ::close(high);
  ::close(fd);
  BOOST_TEST(fds.succeeded());
  BOOST_TEST(fds.output.find("57") == std::string::npos, fds.output);
}

BOOST_AUTO_TEST_CASE(ignored_sigpipe_and_systemd_variables_are_not_inherited) {
  ::setenv("NOTIFY_SOCKET", "/run/feedd-test-notify", 1);
  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("FEEDD_HOOK_TEST", "kept", 1);
  auto old = ::signal(SIGPIPE, SIG_IGN);
  HookCommandResult env = run_hook_command({"env"});
  HookCommandResult status = run_hook_command({"grep", "^SigIgn", "/proc/self/status"});
  ::signal(SIGPIPE, old);
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("FEEDD_HOOK_TEST");
  BOOST_TEST(env.output.find("FEEDD_HOOK_TEST=kept") != std::string::npos);
  BOOST_TEST(env.output.find("NOTIFY_SOCKET") == std::string::npos);
  BOOST_TEST(env.output.find("LISTEN_FDS") == std::string::npos);
  // SIGPIPE is signal 13: bit 0x1000 of the ignored mask.
  std::string mask = status.output.substr(status.output.find_first_of("0123456789abcdef"));
  BOOST_TEST((std::stoull(mask, nullptr, 16) & 0x1000u) == 0u, status.output);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
