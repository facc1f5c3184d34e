// The `updated` time the index gives a post it writes: the author's `updated`; else what the
// store's history tells (a ChangeClock, store.updated_from); else a new post's own dates, or
// the time a change was seen. A pure function of its arguments apart from the clock's answer;
// thread-safe as far as the clock is. No failure: a clock that cannot tell answers "seen".
#pragma once

#include <chrono>
#include <string>

#include "storage/history/change_clock.h"
#include "storage/post.h"

namespace feedd::storage {

// What the index knew of a post before this scan read it.
enum class Seen {
  fresh,    // never indexed
  changed,  // indexed with other visible content
  same,     // indexed with this visible content (its `stored` time stands unless history says)
};

// How far ahead of the clock `updated` may move when changes come faster than one a
// second (see updated_time()).
inline constexpr std::chrono::seconds kUpdatedMaxLead{10};

// `hash` is the post's visible hash; `clock` may be null ("seen"). Never before the post's
// own date, except an author's explicit `updated`. A published post's change seen in the
// second of its last one gets that time plus a second (at most kUpdatedMaxLead ahead of
// `now`), so that `updated` moves with every change readers see. (With a clock, only changes
// it dates as "seen": an uncommitted edit; its commit's time, later, may be up to
// kUpdatedMaxLead earlier than such a lead.)
std::chrono::sys_seconds updated_time(const Post& post, const std::string& hash, Seen seen,
                                      std::chrono::sys_seconds stored, std::chrono::sys_seconds now,
                                      ChangeClock* clock);

// The time of the tombstone (RFC 6721 `when`) of a post that leaves the feeds at `when` and
// last showed `updated`: `when`, or `updated` when a lead put it after `when` (at most
// kUpdatedMaxLead), so that a tombstone is never older than the entry it removes.
std::chrono::sys_seconds tombstone_time(std::chrono::sys_seconds when,
                                        std::chrono::sys_seconds updated);

}  // namespace feedd::storage
