#include "storage/index/updated_time.h"

#include <algorithm>

namespace feedd::storage {

using std::chrono::sys_seconds;

sys_seconds updated_time(const Post& post, const std::string& hash, Seen seen, sys_seconds stored,
                         sys_seconds now, ChangeClock* clock) {
  if (post.updated) {
    return *post.updated;
  }
  StoreTime time;
  if (clock != nullptr) {
    time = clock->last_change(post.source_path, post.key, hash);
  } else if (seen == Seen::fresh) {
    time.source = StoreTime::Source::first_version;
  }
  switch (time.source) {
    case StoreTime::Source::first_version:
      return post.published;
    case StoreTime::Source::commit:
      return std::max(time.at, post.published);
    case StoreTime::Source::seen:
      break;
  }
  return seen == Seen::same ? stored : std::max(now, post.published);
}

}  // namespace feedd::storage
