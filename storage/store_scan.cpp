#include "storage/store_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>

#include "common/sha256.h"
#include "common/unique_fd.h"
#include "storage/index/post_rows.h"
#include "storage/readers/library_versions.h"
#include "storage/readers/post_reader.h"
#include "storage/readers/reader_fingerprint.h"
#include "storage/store_root.h"

namespace feedd::storage {
namespace {

// Files read, parsed and applied together; bounds the memory of a cold scan.
constexpr std::size_t kChunkFiles = 1024;

// One post file found by a scan. Only its path relative to the store is kept (a
// std::filesystem::path also holds a list of its components: at a million files the listing
// was ~0.5 GB of a serve's start-up peak).
struct FoundFile {
  std::string relative;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
};

std::string errno_text(int error) { return std::system_category().message(error); }

// `path` relative to `root`, in generic form: the rest of it after root's own string when it
// starts there (a path the listing built from root), else the lexical answer.
std::string relative_to(const std::filesystem::path& root, const std::filesystem::path& path) {
  const std::string_view full = path.native();
  std::string_view base = root.native();
  while (base.size() > 1 && base.back() == '/') {
    base.remove_suffix(1);
  }
  if (full.size() > base.size() + 1 && full.starts_with(base) && full[base.size()] == '/' &&
      full[base.size() + 1] != '/') {
    return std::string(full.substr(base.size() + 1));
  }
  return path.lexically_relative(root).generic_string();
}

// Why an entry with a post file's name is no file to read, from the stat of what it names
// (links followed; `error`: stat's errno, 0 when it succeeded). Empty: a regular file, or
// nothing there any more (gone since it was listed).
std::string not_a_post_file(int error, const struct stat& st, bool is_link) {
  if (error == 0) {
    return S_ISREG(st.st_mode) ? "" : "cannot read: not a regular file (a FIFO, socket or device)";
  }
  if (error == ENOENT && !is_link) {
    return "";
  }
  return "cannot read: " +
         (error == ENOENT ? std::string("a symbolic link to nothing") : errno_text(error));
}

// A post file named to scan_paths(): true with `file` filled when it is one to read; else
// `why` says why it is not (empty when it is not there or not a post file's name).
bool stat_post_file(const std::filesystem::path& root, const std::filesystem::path& path,
                    FoundFile& file, std::string& why) {
  if (is_ignored_file_name(path.filename().string())) {
    return false;
  }
  struct stat st {};
  const int error = stat(path.c_str(), &st) == 0 ? 0 : errno;
  struct stat own {};
  const bool is_link = error != 0 && lstat(path.c_str(), &own) == 0 && S_ISLNK(own.st_mode);
  why = not_a_post_file(error, st, is_link);
  if (error != 0 || !S_ISREG(st.st_mode)) {
    return false;
  }
  file.relative = relative_to(root, path);
  file.size = st.st_size;
  file.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return true;
}

// Records that the listing of `start` stopped early (see ScanReport::listing_incomplete).
void listing_failed(ScanReport& report, const std::filesystem::path& start,
                    const std::string& reason) {
  report.unreadable.push_back({start.string(), 0, "cannot list: " + reason});
  report.listing_incomplete = true;
}

struct CloseDir {
  void operator()(DIR* dir) const { closedir(dir); }
};
using DirStream = std::unique_ptr<DIR, CloseDir>;

// What a listing does with one directory entry.
enum class EntryKind { skip, directory, linked_directory, file, unreadable };

// The kind of `entry` of the directory open as `dir_fd`; for a file, `st` is its stat
// (symbolic links followed); for an unreadable one (a post file's name on a link to nothing,
// a link loop, a FIFO...), `why` says why. Only names of post files are stat'ed (d_type
// tells the rest).
EntryKind classify(int dir_fd, const dirent& entry, struct stat& st, std::string& why) {
  unsigned char type = entry.d_type;
  bool stated = false;       // st holds the followed stat
  if (type == DT_UNKNOWN) {  // file systems without d_type
    if (fstatat(dir_fd, entry.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return EntryKind::skip;  // gone since
    }
    type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
    stated = type != DT_LNK;
  }
  if (type == DT_DIR) {
    return EntryKind::directory;
  }
  if (type == DT_LNK) {
    stated = fstatat(dir_fd, entry.d_name, &st, 0) == 0;
    if (stated && S_ISDIR(st.st_mode)) {
      return EntryKind::linked_directory;
    }
  }
  if (is_ignored_file_name(entry.d_name)) {
    return EntryKind::skip;
  }
  const int error = stated || fstatat(dir_fd, entry.d_name, &st, 0) == 0 ? 0 : errno;
  why = not_a_post_file(error, st, type == DT_LNK);
  if (!why.empty()) {
    return EntryKind::unreadable;
  }
  return error == 0 ? EntryKind::file : EntryKind::skip;
}

// One walk of list_tree(): the post files found, and the directories still to list.
struct TreeListing {
  const std::filesystem::path& start;
  int anchor;        // `start` open
  std::string base;  // `start` relative to the store root: "" or ending in '/'
  ScanReport& report;
  const ScanProgress& progress;
  std::vector<FoundFile> files;
  std::vector<std::string> pending;  // to list, relative to `start`: "" or ending in '/'
  std::size_t entries = 0;           // directory entries seen, for `progress`

  // Lists directory `dir`: its files into `files`, its subdirectories into `pending`; false
  // when the listing must stop (ScanReport::listing_incomplete).
  bool list(const std::string& dir) {
    // Without the trailing '/', which would have O_NOFOLLOW follow a link after all: a
    // directory replaced by a link since it was found is not listed.
    const std::string path = dir.empty() ? "." : dir.substr(0, dir.size() - 1);
    const int fd = openat(anchor, path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const DirStream stream(fd < 0 ? nullptr : fdopendir(fd));
    if (!stream) {
      const int error = errno;
      if (fd >= 0) {
        close(fd);
      }
      if (dir.empty() || error == EMFILE || error == ENFILE || error == ENOMEM) {
        listing_failed(report, start / dir, errno_text(error));
        return false;
      }
      // Unreadable, gone or replaced since it was found: out of sight (its indexed files
      // are kept, see scan_store()), the rest is listed.
      report.skipped_directories.push_back(
          {base + path, 0, "directory skipped: " + errno_text(error)});
      return true;
    }
    const int dir_fd = dirfd(stream.get());
    for (errno = 0; const dirent* entry = readdir(stream.get()); errno = 0) {
      const std::string_view name = entry->d_name;
      if (++entries % kListingStep == 0 && progress) {
        progress({ScanStep::Phase::listing, files.size(), 0});
      }
      struct stat st {};
      std::string why;
      const EntryKind kind =
          name == "." || name == ".." ? EntryKind::skip : classify(dir_fd, *entry, st, why);
      if (kind == EntryKind::unreadable) {
        report.unreadable.push_back({base + dir + entry->d_name, 0, std::move(why)});
      } else if (kind == EntryKind::file) {
        files.push_back(
            {base + dir + entry->d_name, st.st_size,
             static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec});
      } else if (kind != EntryKind::skip && name.front() != '.') {  // hidden: skipped
        if (faccessat(dir_fd, entry->d_name, R_OK | X_OK, 0) != 0) {
          const int error = errno;
          report.skipped_directories.push_back(
              {base + dir + entry->d_name, 0, "directory skipped: " + errno_text(error)});
        } else if (kind == EntryKind::directory) {  // links to directories are not followed
          pending.push_back(dir + entry->d_name + '/');
        }
      }
    }
    if (const int error = errno; error != 0) {
      listing_failed(report, start / dir, errno_text(error));
      return false;
    }
    return true;
  }
};

// Lists the post files below `start` (root itself or a directory in it), sorted by path.
// Hidden directories are skipped, unreadable ones reported, symbolic links to directories
// not followed (links to files are). Directories are opened relative to `start` and files
// stat'ed relative to their directory: a million-file store spent a third of a one-file
// rebuild's listing walking each file's whole path again (std::filesystem's iterator and
// stat()).
std::vector<FoundFile> list_tree(const std::filesystem::path& root,
                                 const std::filesystem::path& start, ScanReport& report,
                                 const ScanProgress& progress) {
  // A directory it may not read is reported, not listed as empty: ask first.
  if (access(start.c_str(), R_OK | X_OK) != 0) {
    listing_failed(report, start, errno_text(errno));
    return {};
  }
  const common::UniqueFd anchor(open(start.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!anchor) {
    listing_failed(report, start, errno_text(errno));
    return {};
  }
  std::string base = relative_to(root, start);
  while (base.ends_with('/')) {
    base.pop_back();
  }
  TreeListing listing{start,  anchor.get(), base == "." || base.empty() ? "" : base + '/',
                      report, progress,     {},
                      {""}};
  while (!listing.pending.empty()) {
    const std::string dir = std::move(listing.pending.back());
    listing.pending.pop_back();
    if (!listing.list(dir)) {
      break;  // whatever was not listed yet is out of sight
    }
  }
  std::sort(listing.files.begin(), listing.files.end(),
            [](const auto& a, const auto& b) { return a.relative < b.relative; });
  return std::move(listing.files);
}

// What the index keeps as the "hash" of a file too large to read (never read): the bound it
// was checked against. (A changed bound reads every file again: it is in the reader
// fingerprint.)
std::string too_large_mark(std::size_t max_file_bytes) {
  return "too-large:" + std::to_string(max_file_bytes);
}

// Reads a whole regular file, or its first `limit` bytes when it is longer (the reader then
// reports it too large); false (with errno's reason) when it cannot be read. O_NONBLOCK and the
// fstat: a file replaced by a FIFO since it was listed must not hang the indexer.
bool read_whole(const std::filesystem::path& path, std::size_t limit, std::string& bytes,
                std::string& reason) {
  const common::UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd) {
    reason = errno_text(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    reason = "not a regular file";
    return false;
  }
  // Straight into `bytes`, sized by the fstat plus one byte: a read that reaches the size and
  // comes back short of the extra byte is at the end, so a file that did not grow since takes
  // one read() instead of two. (A read short of the size is read on: a network or FUSE file
  // system may cut reads.)
  const auto expected = static_cast<std::size_t>(std::max<off_t>(st.st_size, 0));
  std::size_t filled = 0;
  bytes.resize(std::min(expected, limit) + 1);
  while (true) {
    const ssize_t n = read(fd.get(), bytes.data() + filled, bytes.size() - filled);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      reason = errno_text(errno);
      return false;
    }
    filled += static_cast<std::size_t>(n);
    if (n == 0 || (filled >= expected && filled < bytes.size())) {
      break;
    }
    if (filled < bytes.size()) {
      continue;
    }
    if (filled > limit) {
      break;  // grew since it was stat'ed: enough to say it is too large
    }
    bytes.resize(std::min(bytes.size() * 2, limit + 1));
  }
  bytes.resize(filled);
  return true;
}

struct ChunkRead {
  std::vector<FileRead> reads;      // the files that could be read, in order
  std::vector<Problem> unreadable;  // the others
};

// What a scan reads with: the readers' options and their fingerprint.
struct Reading {
  const ReaderOptions& options;
  std::string fingerprint = reader_fingerprint(options, library_versions());
};

// Reads, hashes and (when the bytes changed, or were read with another fingerprint) parses one
// chunk of files on every core. `forced`: files parsed even when their bytes are as indexed
// (their history moved).
ChunkRead read_chunk(const std::filesystem::path& root, std::span<const FoundFile* const> files,
                     const std::unordered_map<std::string, FileState>& states,
                     const std::unordered_set<std::string>& forced, const Reading& reading) {
  const ReaderOptions& options = reading.options;
  std::vector<FileRead> reads(files.size());
  std::vector<std::string> failures(files.size());
  auto work = [&](std::size_t first, std::size_t step) {
    std::string bytes;
    for (std::size_t i = first; i < files.size(); i += step) {
      const FoundFile& file = *files[i];
      FileRead& read = reads[i];
      read.path = file.relative;
      read.size = file.size;
      read.mtime_ns = file.mtime_ns;
      read.reader = reading.fingerprint;
      if (static_cast<std::uint64_t>(file.size) > options.max_file_bytes) {
        // Not read at all: a problem of its own; its last good posts stay in the index.
        read.sha256 = too_large_mark(options.max_file_bytes);
        read.result.problems.push_back(
            {file.relative, 0,
             too_large(static_cast<std::uint64_t>(file.size), options.max_file_bytes)});
        continue;
      }
      if (!read_whole(root / file.relative, options.max_file_bytes, bytes, failures[i])) {
        continue;
      }
      read.sha256 = common::sha256_hex(bytes);
      auto it = states.find(file.relative);
      const bool same_bytes =
          it != states.end() && it->second.sha256 == read.sha256 && !forced.contains(file.relative);
      if (same_bytes && it->second.reader == reading.fingerprint) {
        read.bytes_unchanged = true;
        continue;
      }
      read.reread = same_bytes;
      read.result = read_post_file(file.relative, bytes, options);
      for (const Post& post : read.result.posts) {  // here, not on the index's one thread
        read.visible_hashes.push_back(rows::visible_hash(post));
      }
    }
  };
  std::size_t workers = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  if (files.size() < 64) {
    workers = 1;
  }
  {
    std::vector<std::jthread> threads;
    for (std::size_t w = 1; w < workers; ++w) {
      threads.emplace_back(work, w, workers);
    }
    work(0, workers);
  }  // joins
  ChunkRead chunk;
  chunk.reads.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (failures[i].empty()) {
      chunk.reads.push_back(std::move(reads[i]));
    } else {
      chunk.unreadable.push_back({files[i]->relative, 0, "cannot read: " + failures[i]});
    }
  }
  return chunk;
}

// Reads `changed` (a chunk at a time, on every core, while the index applies the previous
// chunk) and removes `removed`, all in one transaction. `states` holds what the index knows
// of (at least) the changed paths. `progress` hears of each chunk applied.
void apply_scan(Index& index, const std::filesystem::path& root,
                const std::vector<FoundFile>& changed_files,
                const std::vector<std::string>& removed,
                const std::unordered_map<std::string, FileState>& states,
                const std::unordered_set<std::string>& forced, const Reading& reading,
                std::chrono::sys_seconds now, ChangeClock* clock, const ScanProgress& progress,
                const std::optional<StoreRoot>& record_root, ScanReport& report) {
  std::vector<const FoundFile*> changed;
  std::unordered_set<std::string> touched(removed.begin(), removed.end());
  for (const auto& file : changed_files) {
    changed.push_back(&file);
    touched.insert(file.relative);
  }
  // Post files whose history moved that this scan neither reads nor removes: gone before it,
  // their deletions may have a commit now.
  std::vector<std::string> redated;
  for (const auto& path : forced) {
    if (!touched.contains(path) && !is_ignored_file_name(path)) {
      redated.push_back(path);
    }
  }
  if (changed.empty() && removed.empty() && redated.empty() && !record_root) {
    return;  // nothing changed: no transaction, no write
  }
  auto writer = index.begin_scan(now, std::move(touched), clock);
  if (record_root) {
    writer.record_store_root(*record_root);
  }
  auto read_from = [&](std::size_t begin) {
    std::span<const FoundFile* const> chunk(changed.data() + begin,
                                            std::min(kChunkFiles, changed.size() - begin));
    return std::async(std::launch::async, read_chunk, std::cref(root), chunk, std::cref(states),
                      std::cref(forced), std::cref(reading));
  };
  std::future<ChunkRead> next;
  if (!changed.empty()) {
    next = read_from(0);
  }
  for (std::size_t begin = 0; begin < changed.size(); begin += kChunkFiles) {
    ChunkRead chunk = next.get();
    if (begin + kChunkFiles < changed.size()) {
      next = read_from(begin + kChunkFiles);
    }
    // Unreadable files are skipped: their posts stay as they were (nothing is lost).
    report.unreadable.insert(report.unreadable.end(), chunk.unreadable.begin(),
                             chunk.unreadable.end());
    for (const auto& read : chunk.reads) {
      ++report.files_read;
      report.files_parsed += read.bytes_unchanged ? 0 : 1;
    }
    writer.add(chunk.reads);
    if (progress) {
      progress({ScanStep::Phase::reading, std::min(begin + kChunkFiles, changed.size()),
                changed.size()});
    }
  }
  writer.remove(removed);
  writer.redate_deletions(redated);
  report.applied = writer.commit();
}

bool under(std::string_view path, std::string_view directory) {
  return path.size() > directory.size() && path.starts_with(directory) &&
         path[directory.size()] == '/';
}

// True when the indexed file `stamp` must be read again: its stat changed, or it was read with
// another reader fingerprint (which holds store.max_file_bytes: a file too large for one bound
// is read again under another).
bool stamp_changed(const FoundFile& file, const FileStamp& stamp, const Reading& reading) {
  return stamp.size != file.size || stamp.mtime_ns != file.mtime_ns ||
         stamp.reader != reading.fingerprint;
}

// store.path's directory, or nullopt (and store_missing, with the reason) when it is not one.
std::optional<StoreRoot> store_root_there(const std::filesystem::path& root, ScanReport& report) {
  std::error_code ec;
  if (std::filesystem::is_directory(root, ec)) {
    if (auto found = store_root_of(root)) {
      return found;
    }
  }
  report.store_missing = true;
  report.unreadable.push_back({root.string(), 0, "the store directory does not exist"});
  return std::nullopt;
}

// After a full listing of the store at `found`: whether it is the store to apply (else
// store_missing, with the reason), and in `record` the root to write with this scan (its
// first, or the root changed). A root that changed while it was listed (an unmount, a link
// moved) makes the listing incomplete: nothing is taken as gone, nothing recorded, and the
// next scan decides. Another directory than the one recorded, in which the listing found no
// post file (an unmounted file system's mount point, a marker file in it or not), is a
// missing store, not an emptied one.
bool store_listed(Index& index, const std::filesystem::path& root, const StoreRoot& found,
                  bool no_post_file, ScanReport& report, std::optional<StoreRoot>& record) {
  if (store_root_of(root) != found) {
    report.listing_incomplete = true;
    return true;
  }
  const auto recorded = index.store_root();
  if (recorded == found) {
    return true;
  }
  if (recorded && no_post_file && !report.listing_incomplete && index.holds_files()) {
    report.store_missing = true;
    report.unreadable.push_back(
        {root.string(), 0,
         "the store directory holds no post file and is not the one indexed (" + describe(found) +
             ", was " + describe(*recorded) +
             "): is its file system unmounted? Nothing is taken out of the feeds until post "
             "files are there again"});
    return false;
  }
  if (!report.listing_incomplete) {
    report.root_changed = recorded.has_value();
    record = found;
  }
  return true;
}

// The files whose history moved since the last scan (none without a clock).
std::unordered_set<std::string> moved_history(ChangeClock* clock) {
  if (clock == nullptr) {
    return {};
  }
  auto moved = clock->moved_since_last_call();
  return {moved.begin(), moved.end()};
}

// The listing (`files`, in path order) and the index's files, merged: listed files not
// indexed are new; indexed files not listed are gone. Files new or whose stat changed are to
// be read and hashed (their index state kept for that); those whose bytes changed, parsed.
struct MergedListing {
  std::vector<FoundFile> changed;
  std::vector<std::string> removed;
  std::unordered_map<std::string, FileState> states;  // of the changed files only
};

MergedListing merge_listing(Index& index, std::vector<FoundFile> files,
                            const std::unordered_set<std::string>& forced, const Reading& reading,
                            const ScanProgress& progress, const ScanReport& report) {
  MergedListing merged;
  auto& changed = merged.changed;  // not a structured binding: clang 14 lambdas capture none
  auto& removed = merged.removed;
  auto& states = merged.states;
  std::size_t compared = 0;
  auto next = files.begin();
  index.visit_file_stamps([&](const FileStamp& stamp) {
    if (++compared % kListingStep == 0 && progress) {
      progress({ScanStep::Phase::listing, files.size(), 0});
    }
    for (; next != files.end() && std::string_view(next->relative) < stamp.path; ++next) {
      changed.push_back(std::move(*next));
    }
    if (next != files.end() && next->relative == stamp.path) {
      if (forced.contains(next->relative) || stamp_changed(*next, stamp, reading)) {
        states.emplace(next->relative, FileState{stamp.size,
                                                 stamp.mtime_ns,
                                                 std::string(stamp.sha256),
                                                 {},
                                                 std::string(stamp.reader)});
        changed.push_back(std::move(*next));
      }
      ++next;
      return;
    }
    // A listing that stopped early knows of nothing gone, and a file that cannot be read, or
    // is under a directory that could not be listed, is not gone, only out of sight.
    auto out_of_sight = [&stamp](const Problem& p) {
      return p.path == stamp.path || under(stamp.path, p.path);
    };
    const bool hidden =
        report.listing_incomplete ||
        std::any_of(report.unreadable.begin(), report.unreadable.end(), out_of_sight) ||
        std::any_of(report.skipped_directories.begin(), report.skipped_directories.end(),
                    out_of_sight);
    if (!hidden) {
      removed.emplace_back(stamp.path);
    }
  });
  std::move(next, files.end(), std::back_inserter(changed));
  return merged;
}

}  // namespace

ScanReport scan_store(Index& index, const std::filesystem::path& root, const ReaderOptions& options,
                      std::chrono::sys_seconds now, ChangeClock* clock,
                      const ScanProgress& progress) {
  ScanReport report;
  const auto found = store_root_there(root, report);
  if (!found) {
    return report;
  }
  const auto forced = moved_history(clock);
  const Reading reading{options};
  auto files = list_tree(root, root, report, progress);
  report.files_seen = static_cast<int>(files.size());
  std::optional<StoreRoot> record_root;
  if (!store_listed(index, root, *found, files.empty(), report, record_root)) {
    return report;
  }
  auto merged = merge_listing(index, std::move(files), forced, reading, progress, report);
  apply_scan(index, root, merged.changed, merged.removed, merged.states, forced, reading, now,
             clock, progress, record_root, report);
  return report;
}

namespace {

// What scan_paths() gathers from the paths named to it, one path at a time.
class PathScan {
 public:
  PathScan(Index& index, const std::filesystem::path& root, const Reading& reading,
           const std::unordered_set<std::string>& forced, const ScanProgress& progress,
           ScanReport& report)
      : index_(index),
        root_(root),
        reading_(reading),
        forced_(forced),
        progress_(progress),
        report_(report) {}

  void look_at(const std::string& relative) {
    auto absolute = root_ / relative;
    std::error_code ec;
    auto status = std::filesystem::status(absolute, ec);
    if (std::filesystem::is_directory(status)) {
      forget_file(relative);  // a post file that was here (made a directory) is gone
      if (std::filesystem::is_symlink(std::filesystem::symlink_status(absolute, ec))) {
        forget_under(relative);  // a link to a directory is not followed, as list_tree() does not
        return;
      }
      // A directory that appeared (created, moved in, or made where a post file was):
      // everything in it is new to us.
      for (auto& file : list_tree(root_, absolute, report_, progress_)) {
        consider(std::move(file));
      }
      return;
    }
    forget_under(relative);  // nothing is under what is no directory (any more)
    FoundFile file;
    std::string why;
    if (stat_post_file(root_, absolute, file, why)) {
      consider(std::move(file));
    } else if (!why.empty()) {
      report_.unreadable.push_back({relative, 0, std::move(why)});  // its posts are kept
    } else if (!std::filesystem::exists(status)) {
      forget_file(relative);  // gone
    }
  }

  std::vector<FoundFile> changed;  // new, or whose stat changed
  std::set<std::string> removed;
  std::unordered_map<std::string, FileState> states;  // of the changed files the index knew

 private:
  // Take the indexed file at `relative`, or the indexed files below it, as gone, as the full
  // scan does when its listing does not find them.
  void forget_file(const std::string& relative) {
    if (index_.file_state(relative)) {
      removed.insert(relative);
    }
  }
  void forget_under(const std::string& relative) {
    for (auto& path : index_.files_under(relative)) {
      removed.insert(std::move(path));
    }
  }

  void consider(FoundFile file) {
    if (!seen_.insert(file.relative).second) {
      return;
    }
    ++report_.files_seen;
    auto state = index_.file_state(file.relative);
    if (state && !forced_.contains(file.relative) &&
        !stamp_changed(file,
                       {file.relative, state->size, state->mtime_ns, state->sha256, state->reader},
                       reading_)) {
      return;
    }
    if (state) {
      states.emplace(file.relative, std::move(*state));
    }
    changed.push_back(std::move(file));
  }

  Index& index_;
  const std::filesystem::path& root_;
  const Reading& reading_;
  const std::unordered_set<std::string>& forced_;
  const ScanProgress& progress_;
  ScanReport& report_;
  std::set<std::string> seen_;
};

}  // namespace

ScanReport scan_paths(Index& index, const std::filesystem::path& root,
                      const std::vector<std::string>& watched, const ReaderOptions& options,
                      std::chrono::sys_seconds now, ChangeClock* clock,
                      const ScanProgress& progress) {
  ScanReport report;
  const auto found = store_root_there(root, report);
  if (!found) {
    return report;
  }
  if (index.store_root() != found) {  // another directory: all of it is to be read, or none
    return scan_store(index, root, options, now, clock, progress);
  }
  const auto forced = moved_history(clock);
  const Reading reading{options};
  PathScan scan(index, root, reading, forced, progress, report);
  for (const auto& relative : watched) {
    scan.look_at(relative);
  }
  for (const auto& relative : forced) {
    scan.look_at(relative);
  }
  std::sort(scan.changed.begin(), scan.changed.end(),
            [](const auto& a, const auto& b) { return a.relative < b.relative; });
  apply_scan(index, root, scan.changed, {scan.removed.begin(), scan.removed.end()}, scan.states,
             forced, reading, now, clock, progress, std::nullopt, report);
  return report;
}

}  // namespace feedd::storage
