// Where the times of a store's changes come from: the index asks a ChangeClock when a post's
// visible content last changed or when a post went away (store.updated_from). Without one
// (updated_from = "seen") the scan's own clock is used. Implementations are used from the
// indexer's thread only (not thread-safe) and do not fail: a history that cannot be read
// answers Source::seen, so the scan falls back to the time it saw the change.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace feedd::storage {

// When something in the store changed, as far as the store itself can tell.
struct StoreTime {
  enum class Source {
    seen,           // the store cannot tell (no history, an uncommitted edit): when it was seen
    first_version,  // unchanged since the post appeared: its own dates
    commit,         // `at` is the committer time of the commit that made the change
  };
  Source source = Source::seen;
  std::chrono::sys_seconds at{};
};

class ChangeClock {
 public:
  virtual ~ChangeClock() = default;
  // When post `key` of file `path` (relative to the store) last became what the work tree
  // holds: `visible` is its visible hash there (rows::visible_hash), nullopt when it is gone.
  virtual StoreTime last_change(const std::string& path, const std::string& key,
                                const std::optional<std::string>& visible) = 0;
  // Files (relative to the store) whose committed history moved since the previous call:
  // their posts' times are derived again even when their bytes did not change (an edit seen
  // before its commit, or while a pull was still writing files). Empty on the first call.
  virtual std::vector<std::string> moved_since_last_call() = 0;
};

}  // namespace feedd::storage
