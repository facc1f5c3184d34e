// A ChangeClock that reads the history of the git work tree holding the store, through
// libgit2 (store.updated_from = "git"): a post last changed in the newest first-parent commit
// where its visible content differs from the parent's. One history walk per HEAD commit (a
// pull of 500 files is one walk); old file versions are parsed once per blob. NOT
// thread-safe: the indexer's thread only. Opening fails with a reason; later git errors make
// answers "seen" and are handed out once by take_failure().
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/history/change_clock.h"
#include "storage/readers/reader_options.h"

namespace feedd::storage {

class GitChangeClock final : public ChangeClock {
 public:
  // The clock of the work tree that holds `store` (the store may be a folder of it); an
  // error (with the reason in `why`) when there is none or libgit2 cannot open it.
  static std::unique_ptr<GitChangeClock> open(const std::filesystem::path& store,
                                              const ReaderOptions& options, std::string& why);
  ~GitChangeClock() override;
  GitChangeClock(const GitChangeClock&) = delete;
  GitChangeClock& operator=(const GitChangeClock&) = delete;

  StoreTime last_change(const std::string& path, const std::string& key,
                        const std::optional<std::string>& visible) override;
  std::vector<std::string> moved_since_last_call() override;

  // The last git failure since the previous call (empty: none), for the caller to log.
  std::string take_failure();
  // How many history walks were made (one per HEAD commit met).
  std::uint64_t walks() const;
  // The work tree's root directory.
  std::filesystem::path work_tree() const;

 private:
  struct Impl;
  explicit GitChangeClock(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace feedd::storage
