// Shared by the index reliability tests: a small store of Markdown posts, a configuration
// for `feedd serve` on port 0 with the index in a state directory, and helpers to look at
// what the daemon left there. Header-only; not thread-safe; throws std::runtime_error.
#pragma once

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace feedd::testing {

// `count` posts "post-00", "post-01", ..., English and Japanese in turn, on distinct dates.
inline void write_posts(const std::filesystem::path& store, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string key = "post-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    const bool en = i % 2 == 0;
    std::string body;
    for (int line = 0; line < 24; ++line) {
      body += (en ? "A sentence of post " : "記事の文章です ") + std::to_string(i) + ". ";
    }
    write_file(store / (key + ".md"),
               "---\ntitle: Title " + key + "\ndate: 2025-0" + std::to_string(1 + i / 28) + "-" +
                   (i % 28 < 9 ? "0" : "") + std::to_string(1 + i % 28) +
                   "\nlang: " + (en ? "en" : "ja") + "\nid: " + key + "\n---\n" + body + "\n");
  }
}

// A configuration for the store dir/posts and the index dir/state/index.sqlite, serving on
// 127.0.0.1:0 with every post in the feeds and no periodic rescan; `store_extra` goes in
// [store].
inline std::filesystem::path serve_config(const std::filesystem::path& dir,
                                          const std::string& store_extra = "") {
  std::filesystem::create_directories(dir / "state");
  return write_config(dir, dir / "posts", dir / "state/index.sqlite",
                      "rescan_s = 0\n" + store_extra +
                          "[feeds]\nentries = 100\n[server]\nlisten = [\"127.0.0.1:0\"]\n"
                          "threads = 1\n");
}

// `feedd posts` on `config`: the listing (exit status checked).
inline std::string posts_listing(const std::filesystem::path& config) {
  auto result = run_command({feedd_binary().string(), "--config", config.string(), "posts"});
  BOOST_TEST(result.exit_status == 0, result.output);
  return result.output;
}

// The files "<index>.corrupt-*" beside `index`.
inline std::vector<std::filesystem::path> moved_aside(const std::filesystem::path& index) {
  std::vector<std::filesystem::path> found;
  const std::string prefix = index.filename().string() + ".corrupt-";
  for (const auto& entry : std::filesystem::directory_iterator(index.parent_path())) {
    const auto name = entry.path().filename().string();
    if (name.starts_with(prefix) && !name.ends_with("-wal") && !name.ends_with("-shm")) {
      found.push_back(entry.path());
    }
  }
  return found;
}

}  // namespace feedd::testing
