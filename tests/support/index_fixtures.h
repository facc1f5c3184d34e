// Shared set-up for the SQLite index tests (tests/storage/index_test, tombstones_test): a fixed
// scan time, a published post with the fields every test needs, and the FileRead and ScanBatch
// a scan of such posts hands to Index::apply. Header-only; each call returns a fresh value.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "storage/index/index.h"

namespace feedd::testing {

// The time of the tests' first scan: 2025-04-30 00:00:00 UTC.
inline const std::chrono::sys_seconds kIndexT0 =
    std::chrono::sys_days{std::chrono::year{2025} / 4 / 30} + std::chrono::seconds{0};

// A post published the day before kIndexT0, its content its title in a paragraph.
inline storage::Post index_post(std::string key, std::string path, std::string title,
                                std::string lang) {
  storage::Post post;
  post.key = std::move(key);
  post.source_path = std::move(path);
  post.title = std::move(title);
  post.lang = std::move(lang);
  post.content_html = "<p>" + post.title + "</p>";
  post.published = kIndexT0 - std::chrono::hours{24};
  post.local_date = "2025-04-29";
  return post;
}

// The read of one file holding `posts`; `sha` stands for its content.
inline storage::FileRead file_read(std::string path, std::vector<storage::Post> posts,
                                   std::string sha = "x",
                                   std::vector<storage::Problem> problems = {},
                                   std::int64_t mtime_ns = 1) {
  storage::FileRead read;
  read.path = std::move(path);
  read.size = 1;
  read.mtime_ns = mtime_ns;
  read.sha256 = std::move(sha);
  read.result.posts = std::move(posts);
  read.result.problems = std::move(problems);
  return read;
}

// One scan at `now`: `reads` applied, the files `removed` gone.
inline storage::ApplyResult apply_reads(storage::Index& index, std::vector<storage::FileRead> reads,
                                        std::chrono::sys_seconds now,
                                        std::vector<std::string> removed = {}) {
  storage::ScanBatch batch;
  batch.reads = std::move(reads);
  batch.removed = std::move(removed);
  return index.apply(batch, now);
}

}  // namespace feedd::testing
