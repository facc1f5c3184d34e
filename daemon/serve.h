// `feedd serve`: scans the store, builds the first snapshot, serves it over HTTP, rebuilds
// on SIGHUP and drains on SIGTERM/SIGINT (exit 0). The calling thread is the indexer (the
// only one that touches the SiteGenerator). Start-up failures (index, bind) throw; the
// command line reports them and exits non-zero.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "daemon/config.h"
#include "daemon/site_generator.h"
#include "feeds/snapshot.h"

namespace feedd::daemon {

struct ServeOptions {
  bool access_log = false;  // --access-log, or FEEDD_ACCESS_LOG=1 in the environment
};

int run_serve(const Config& config, const ServeOptions& options);

// Renders everything served (feeds, "/" and "/L/" pages, /feed.css) from the index as it
// is now into snapshot `generation`, reusing `previous`'s unchanged resources (and, unless
// `recount`, its post counts: counting costs ~10 ms on 100,000 posts, and an edit changes
// no count). Throws
// storage::IndexError when SQLite fails.
std::shared_ptr<const feeds::Snapshot> build_snapshot(SiteGenerator& generator,
                                                      const Config& config,
                                                      std::chrono::sys_seconds now,
                                                      std::uint64_t generation,
                                                      const feeds::Snapshot* previous,
                                                      bool recount = true);

}  // namespace feedd::daemon
