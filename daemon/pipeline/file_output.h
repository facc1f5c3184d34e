// Writes rendered feeds into a directory for static hosting: each file is replaced
// atomically (hidden temporary file, made durable, renamed over the old one, the directory
// synced), so a crash at any moment leaves every path with its old bytes or its new ones,
// never half a file; a file whose bytes are unchanged is left alone so its mtime and any
// cache validators built on it stay. The files of one call are made durable together (one
// syncfs() of the directory's file system, not one fsync each: a journal commit per file
// made a 1,000-post build wait two seconds). Thread-compatible.
// Fails with the errno of the first write that fails; then no file of the call was renamed
// unless the failure was a rename (the files renamed before it stay, complete).
#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string_view>
#include <vector>

#include "feeds/feed_set.h"

namespace feedd::daemon {

// The file, relative to the output directory, that serves `feed_path` (relative to
// feeds_url) from a static server: a page path ("", "ja/") is its index.html; a
// percent-encoded path ("ja/tags/%E8%8C%B6%E9%81%93/atom.xml") is its decoded name
// ("ja/tags/茶道/atom.xml"), which a static server serves at the encoded URL.
std::filesystem::path output_file(std::string_view feed_path);

// write_feeds() in two steps, for a caller that writes batch after batch (`feedd build`'s
// topic feeds and archive pages): stage() writes each batch's files to temporaries beside
// their final names; commit() makes everything staged since the last commit durable with one
// syncfs(), renames it into place and syncs the directories renamed in, once each. Durability
// per commit, not per batch: 270 batches of a 100k build each paid a syncfs and ~3 directory
// fsyncs, 3.9 s of the build's wall time on its critical path. The destructor removes the
// temporaries not committed. Thread-compatible.
class StagedFiles {
 public:
  explicit StagedFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~StagedFiles();
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;

  // Stages every feed, page and stylesheet under dir (creating directories) at its
  // output_file(), unless that file already holds its bytes. Returns how many were staged;
  // on failure, this call's files are not staged (and their temporaries are removed).
  boost::system::result<int> stage(const std::vector<feeds::RenderedFeed>& feeds);
  // Bytes staged since the last commit.
  std::uint64_t bytes() const { return bytes_; }
  // Makes the staged files durable, renames them into place and syncs their directories;
  // then removes the temporaries a killed writer left in the directories staged into (each
  // once per StagedFiles). On failure the files not yet renamed are dropped.
  boost::system::result<void> commit();

 private:
  struct Staged {
    std::filesystem::path temporary;
    std::filesystem::path path;
  };

  std::filesystem::path dir_;
  std::vector<Staged> staged_;
  std::uint64_t bytes_ = 0;
  std::set<std::filesystem::path> written_in_;  // directories staged into, not yet cleaned
  std::set<std::filesystem::path> cleaned_;     // directories whose stale temporaries are gone
};

// Writes every feed, page and stylesheet under `dir` (creating it), each at its
// output_file(): StagedFiles' stage() and commit() at once. Returns how many files changed.
boost::system::result<int> write_feeds(const std::filesystem::path& dir,
                                       const std::vector<feeds::RenderedFeed>& feeds);

}  // namespace feedd::daemon
