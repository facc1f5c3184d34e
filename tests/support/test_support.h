// Helpers shared by every test suite: temporary directories, files, and running processes.
// Not thread-safe; each test owns the objects it creates. Failures throw std::runtime_error
// (Boost.Test reports them as test errors).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

// Writes `bytes` to `path`, creating parent directories.
void write_file(const std::filesystem::path& path, std::string_view bytes);
std::string read_file(const std::filesystem::path& path);

// How many times `needle` occurs in `text`, overlapping occurrences included.
std::size_t count_occurrences(std::string_view text, std::string_view needle);

// The value of the sample named exactly `sample` (series name and labels, if any) in a
// /metrics body; -1 when the series is absent.
long long metric_sample(const std::string& metrics, const std::string& sample);

struct CommandResult {
  int exit_status = -1;  // exit code, or 128 + signal
  std::string output;    // stdout and stderr interleaved
};

// Runs argv (no shell) and waits for it; stdin is /dev/null.
CommandResult run_command(const std::vector<std::string>& argv);

// Paths of the built binary (FEEDD_BINARY in the environment, else the one this tree built)
// and of the source tree (set by tests/CMakeLists.txt).
std::filesystem::path feedd_binary();
std::filesystem::path source_dir();
std::filesystem::path testdata_dir();  // tests/

// Writes a minimal valid configuration for a store at `store` and index at `index`,
// followed by `extra` (more TOML), and returns its path (dir/feedd.toml).
std::filesystem::path write_config(const std::filesystem::path& dir,
                                   const std::filesystem::path& store,
                                   const std::filesystem::path& index, std::string_view extra = {});

}  // namespace feedd::testing
