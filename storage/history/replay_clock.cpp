#include "storage/history/replay_clock.h"

#include <algorithm>

namespace feedd::storage {

std::vector<std::string> ReplayClock::moved_since_last_call() {
  auto moved = inner_.moved_since_last_call();
  moved.insert(moved.end(), replay_.begin(), replay_.end());
  replay_.clear();
  std::sort(moved.begin(), moved.end());
  moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
  last_ = moved;
  return moved;
}

void ReplayClock::replay() {
  replay_.insert(replay_.end(), last_.begin(), last_.end());
  last_.clear();
}

}  // namespace feedd::storage
