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
  if (seen == Seen::same) {
    return stored;
  }
  // A change seen in the same second as the last one (or while the last ones' lead lasts)
  // still moves `updated`, a second ahead: feed readers that key on <updated> then see it.
  // Only for a post already published (a scheduled post keeps its date until then). The
  // lead is bounded (at the bound it stays, not moving back while changes keep coming), and
  // a far-future `stored` (an author's `updated` since removed) is not followed.
  // Last-Modified never leads: the snapshot clamps it to its build time.
  if (seen == Seen::changed && post.published <= now && stored >= now &&
      stored <= now + kUpdatedMaxLead) {
    return std::min(stored + std::chrono::seconds(1), now + kUpdatedMaxLead);
  }
  return std::max(now, post.published);
}

sys_seconds tombstone_time(sys_seconds when, sys_seconds updated) {
  return updated > when && updated <= when + kUpdatedMaxLead ? updated : when;
}

}  // namespace feedd::storage
