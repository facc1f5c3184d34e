// Turns the bytes of one post file into posts. The format is chosen by content (front
// matter fence, Movable Type field lines, page-text date line), the extension only breaks
// ties. Pure functions: no I/O, thread-safe, never throw for bad input; every problem is
// returned as a Problem with the file's path and the line it concerns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/post.h"
#include "storage/problem.h"
#include "storage/readers/reader_options.h"

namespace feedd::storage {

struct ReadResult {
  std::vector<Post> posts;        // the posts that parsed (drafts included, flagged)
  std::vector<Problem> problems;  // empty when the whole file is good
};

// `path` is relative to the store root ('/' separated); it names problems and gives the
// file stem used as the default key. A file over options.max_file_bytes is one problem and
// is not parsed; every reader bounds its own work (storage/readers/reader_limits.h).
ReadResult read_post_file(std::string_view path, std::string_view bytes,
                          const ReaderOptions& options);

// The reason given for a file larger than store.max_file_bytes (also used by the scan,
// which checks the size before reading).
std::string too_large(std::uint64_t size, std::uint64_t max_file_bytes);

// True for names the store ignores: hidden files (".*"), editor backups ("*~", "*.swp",
// "*.swx", "#*#"), and files whose extension is not one of .txt, .md, .markdown, .mt, .txt.
bool is_ignored_file_name(std::string_view file_name);

}  // namespace feedd::storage
