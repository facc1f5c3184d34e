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

// Writes every feed, page and stylesheet under `dir` (creating it), each at its
// output_file(). Then removes the temporary files a killed writer left in those
// directories, except those in `cleaned` (may be null), to which they are added: a caller
// writing a directory batch after batch lists it once, not once per batch (a build's
// archive directory holds thousands of files). Returns how many files changed.
boost::system::result<int> write_feeds(const std::filesystem::path& dir,
                                       const std::vector<feeds::RenderedFeed>& feeds,
                                       std::set<std::filesystem::path>* cleaned = nullptr);

}  // namespace feedd::daemon
