#include "tests/support/feedd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/test_support.h"

namespace feedd::testing {

using namespace std::chrono_literals;

FeeddProcess::FeeddProcess(const std::filesystem::path& config, const std::filesystem::path& log,
                           int open_files, const std::vector<std::string>& under)
    : log_(log) {
  std::vector<std::string> args = under;  // made before fork(): the child only execs
  for (std::string arg :
       {feedd_binary().string(), std::string("--config"), config.string(), std::string("serve")}) {
    args.push_back(std::move(arg));
  }
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    if (open_files > 0) {
      const rlimit limit{static_cast<rlim_t>(open_files), static_cast<rlim_t>(open_files)};
      if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        _exit(126);
      }
    }
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execvp(argv[0], argv.data());
    _exit(127);
  }
}

FeeddProcess::~FeeddProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // A sanitizer build of feedd reports races and memory errors on stderr: that fails the
  // test that ran it, even one that never looks at the log or ends with SIGKILL above.
  const std::string text = log();
  const auto report = sanitizer_report(text);
  BOOST_TEST(report.empty(), "feedd reported:\n" << report);
}

int FeeddProcess::wait_for_port() {
  static const std::regex kLine("serving [0-9]+ feeds on 127\\.0\\.0\\.1:([0-9]+)");
  int port = 0;
  eventually(
      [&] {
        std::smatch match;
        const std::string text = log();
        if (std::regex_search(text, match, kLine)) {
          port = std::stoi(match[1]);
        }
        return port != 0;
      },
      120s);
  return port;
}

int FeeddProcess::wait_exit(std::chrono::milliseconds limit) {
  for (auto waited = 0ms; waited < limit; waited += 20ms) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(20ms);
  }
  return -1;
}

void FeeddProcess::signal(int number) { kill(pid_, number); }

std::string FeeddProcess::log() const {
  std::ifstream in(log_);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string sanitizer_report(const std::string& log) {
  for (const char* marker : {"WARNING: ThreadSanitizer", "ERROR: AddressSanitizer",
                             "ERROR: LeakSanitizer", "runtime error: "}) {
    if (const auto at = log.find(marker); at != std::string::npos) {
      return log.substr(at, 4000);
    }
  }
  return {};
}

Fetched fetch(int port, const std::string& path, const std::vector<std::string>& headers) {
  std::vector<std::string> argv{"curl", "-s", "-D", "-", "--max-time", "5"};
  for (const auto& header : headers) {
    argv.push_back("-H");
    argv.push_back(header);
  }
  argv.push_back("http://127.0.0.1:" + std::to_string(port) + path);
  auto result = run_command(argv);
  Fetched fetched;
  const auto& text = result.output;
  auto head_end = text.find("\r\n\r\n");
  if (result.exit_status != 0 || head_end == std::string::npos || text.size() < 12) {
    return fetched;
  }
  fetched.status = std::atoi(text.c_str() + 9);
  std::string head = text.substr(0, head_end);
  static const std::regex kEtag("\r\n[Ee][Tt][Aa][Gg]: ([^\r]*)");
  std::smatch match;
  if (std::regex_search(head, match, kEtag)) {
    fetched.etag = match[1];
  }
  fetched.body = text.substr(head_end + 4);
  return fetched;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (condition()) {
      return true;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace feedd::testing
