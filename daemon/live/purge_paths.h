// Which paths a new snapshot changed, for [cache] purge: every resource whose bytes differ
// from the previous snapshot's (a resource with unchanged bytes is the same object there),
// every path that went away, the three feeds of every topic and every archive page whose
// digest changed or that went away (both are rendered on request, outside the snapshot).
// Paths as clients request them ("/ja/atom.xml", topic segments percent-encoded), sorted. Pure;
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "feeds/snapshot.h"

namespace feedd::daemon {

std::vector<std::string> changed_paths(const feeds::Snapshot& previous,
                                       const feeds::Snapshot& next);

}  // namespace feedd::daemon
