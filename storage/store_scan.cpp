#include "storage/store_scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_set>

#include "storage/post_reader.h"
#include "storage/sha256.h"

namespace feedd::storage {
namespace {

struct FoundFile {
  std::string relative;
  std::filesystem::path absolute;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
};

std::string errno_text(int error) { return std::system_category().message(error); }

bool is_hidden_dir(const std::filesystem::path& p) {
  auto name = p.filename().string();
  return !name.empty() && name.front() == '.';
}

// Lists the post files below `root`, sorted by relative path.
std::vector<FoundFile> list_store(const std::filesystem::path& root, ScanReport& report) {
  std::vector<FoundFile> files;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(
      root, std::filesystem::directory_options::skip_permission_denied, ec);
  if (ec) {
    report.unreadable.push_back({root.string(), 0, "cannot list the store: " + ec.message()});
    return files;
  }
  for (auto end = std::filesystem::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      report.unreadable.push_back({root.string(), 0, "cannot list: " + ec.message()});
      ec.clear();
      continue;
    }
    const auto& entry = *it;
    if (entry.is_directory(ec)) {
      if (is_hidden_dir(entry.path())) {
        it.disable_recursion_pending();
      } else if (access(entry.path().c_str(), R_OK | X_OK) != 0) {
        report.unreadable.push_back({entry.path().lexically_relative(root).generic_string(), 0,
                                     "directory skipped: " + errno_text(errno)});
      }
      continue;
    }
    if (is_ignored_file_name(entry.path().filename().string())) {
      continue;
    }
    struct stat st {};
    if (stat(entry.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    FoundFile file;
    file.relative = entry.path().lexically_relative(root).generic_string();
    file.absolute = entry.path();
    file.size = st.st_size;
    file.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.relative < b.relative; });
  return files;
}

// Reads a whole file; false (with errno's reason) when it cannot be read.
bool read_whole(const std::filesystem::path& path, std::string& bytes, std::string& reason) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    reason = errno_text(errno);
    return false;
  }
  bytes.clear();
  char buffer[65536];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      reason = errno_text(errno);
      close(fd);
      return false;
    }
    if (n == 0) {
      break;
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return true;
}

}  // namespace

ScanReport scan_store(Index& index, const std::filesystem::path& root,
                      const ReaderOptions& options, std::chrono::sys_seconds now) {
  ScanReport report;
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    report.store_missing = true;
    report.unreadable.push_back({root.string(), 0, "the store directory does not exist"});
    return report;
  }
  auto files = list_store(root, report);
  report.files_seen = static_cast<int>(files.size());
  auto states = index.file_states();

  // Files whose stat changed: read and hash them; parse those whose bytes changed.
  ScanBatch batch;
  std::vector<const FoundFile*> changed;
  std::unordered_set<std::string> present;
  for (const auto& file : files) {
    present.insert(file.relative);
    auto it = states.find(file.relative);
    if (it == states.end() || it->second.size != file.size || it->second.mtime_ns != file.mtime_ns) {
      changed.push_back(&file);
    }
  }
  batch.reads.resize(changed.size());
  std::vector<std::string> failures(changed.size());
  // Parsing is the cold-scan cost; spread it over the cores. Each worker owns its slots.
  auto work = [&](std::size_t first, std::size_t step) {
    std::string bytes;
    for (std::size_t i = first; i < changed.size(); i += step) {
      const FoundFile& file = *changed[i];
      FileRead& read = batch.reads[i];
      std::string reason;
      if (!read_whole(file.absolute, bytes, reason)) {
        failures[i] = reason;
        continue;
      }
      read.path = file.relative;
      read.size = file.size;
      read.mtime_ns = file.mtime_ns;
      read.sha256 = sha256_hex(bytes);
      auto it = states.find(file.relative);
      if (it != states.end() && it->second.sha256 == read.sha256) {
        read.bytes_unchanged = true;
        continue;
      }
      read.result = read_post_file(file.relative, bytes, options);
    }
  };
  std::size_t workers = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  if (changed.size() < 64) {
    workers = 1;
  }
  std::vector<std::jthread> threads;
  for (std::size_t w = 1; w < workers; ++w) {
    threads.emplace_back(work, w, workers);
  }
  work(0, workers);
  threads.clear();  // joins

  // Unreadable files are skipped: their posts stay as they were (nothing is lost).
  std::vector<FileRead> reads;
  reads.reserve(batch.reads.size());
  for (std::size_t i = 0; i < changed.size(); ++i) {
    if (!failures[i].empty()) {
      report.unreadable.push_back({changed[i]->relative, 0, "cannot read: " + failures[i]});
      states.erase(changed[i]->relative);  // neither read nor removed
      continue;
    }
    ++report.files_read;
    if (!batch.reads[i].bytes_unchanged) {
      ++report.files_parsed;
    }
    reads.push_back(std::move(batch.reads[i]));
  }
  batch.reads = std::move(reads);
  for (const auto& [path, state] : states) {
    if (!present.contains(path)) {
      // A file under a directory that could not be listed is not gone, only out of sight.
      bool unreadable = std::any_of(
          report.unreadable.begin(), report.unreadable.end(), [&](const Problem& p) {
            return p.path == path || (path.size() > p.path.size() && path.starts_with(p.path) &&
                                      path[p.path.size()] == '/');
          });
      if (!unreadable) {
        batch.removed.push_back(path);
      }
    }
  }
  std::sort(batch.removed.begin(), batch.removed.end());
  if (!batch.reads.empty() || !batch.removed.empty()) {
    report.applied = index.apply(batch, now);
  }
  return report;
}

}  // namespace feedd::storage
