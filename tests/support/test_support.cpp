#include "tests/support/test_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace feedd::testing {

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("feedd-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
}

std::size_t count_occurrences(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

long long metric_sample(const std::string& metrics, const std::string& sample) {
  const auto at = metrics.find("\n" + sample + " ");
  return at == std::string::npos ? -1 : std::stoll(metrics.substr(at + sample.size() + 2));
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path());
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

CommandResult run_command(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  CommandResult result;
  char buffer[65536];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) {
      result.output.append(buffer, static_cast<size_t>(n));
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::filesystem::path feedd_binary() {
  // CI runs one build of the integration suite against each sanitizer tree's feedd.
  const char* override_path = std::getenv("FEEDD_BINARY");
  return override_path != nullptr && *override_path != '\0' ? override_path : FEEDD_BINARY;
}
std::filesystem::path source_dir() { return FEEDD_SOURCE_DIR; }
std::filesystem::path testdata_dir() { return FEEDD_TESTDATA_DIR; }

std::filesystem::path write_config(const std::filesystem::path& dir,
                                   const std::filesystem::path& store,
                                   const std::filesystem::path& index, std::string_view extra) {
  std::string toml = R"([site]
base_url = "https://blog.example.org/"
author = "Test Author"
timezone = "Asia/Tokyo"
default_language = "ja"

[languages.ja]
title = "テストブログ"
description = "日本語の記事"

[languages.en]
title = "Test Blog"
description = "English posts"
markers = ["[Eng]", "[EN]"]

[store]
)";
  toml += "path = \"" + store.string() + "\"\n";
  toml += "index = \"" + index.string() + "\"\n";
  toml += extra;
  auto path = dir / "feedd.toml";
  write_file(path, toml);
  return path;
}

}  // namespace feedd::testing
