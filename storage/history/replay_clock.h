// A ChangeClock in front of another that can answer again what moved_since_last_call() last
// answered: a scan that is rolled back (a held scan, see Index::hold_commits) must not lose
// the files whose history moved, or the scan that replaces it would not date them again.
// Not thread-safe (the indexer's thread, like the clock it wraps); borrows `inner`, which
// must outlive it. Cannot fail.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/history/change_clock.h"

namespace feedd::storage {

class ReplayClock : public ChangeClock {
 public:
  explicit ReplayClock(ChangeClock& inner) : inner_(inner) {}

  StoreTime last_change(const std::string& path, const std::string& key,
                        const std::optional<std::string>& visible) override {
    return inner_.last_change(path, key, visible);
  }
  // The inner clock's answer, plus what the call before this one answered if replay() was
  // called since.
  std::vector<std::string> moved_since_last_call() override;
  // The next moved_since_last_call() answers what the last one answered too.
  void replay();

 private:
  ChangeClock& inner_;
  std::vector<std::string> last_;    // the last answer
  std::vector<std::string> replay_;  // to be answered again
};

}  // namespace feedd::storage
