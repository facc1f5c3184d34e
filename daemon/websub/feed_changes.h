// Which feed paths changed between two snapshots: the snapshot's feeds whose resource was
// replaced or added, and the topic feeds (three formats each) whose catalog digest changed
// or that are new. Pure; thread-safe (snapshots are immutable).
#pragma once

#include <string>
#include <vector>

#include "feeds/snapshot.h"

namespace feedd::daemon {

// Request paths ("/en/atom.xml", "/en/tags/x/rss.xml"), sorted.
std::vector<std::string> changed_feed_paths(const feeds::Snapshot& previous,
                                            const feeds::Snapshot& next);

}  // namespace feedd::daemon
