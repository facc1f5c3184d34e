// `feedd serve`: scans the store, builds the first snapshot, serves it over HTTP, rebuilds
// on SIGHUP and drains on SIGTERM/SIGINT (exit 0). The calling thread is the indexer (the
// only one that touches the SitePipeline). Start-up failures (index, bind) throw; the
// command line reports them and exits non-zero.
#pragma once

#include "daemon/config.h"

namespace feedd::daemon {

struct ServeOptions {
  bool access_log = false;  // --access-log, or FEEDD_ACCESS_LOG=1 in the environment
};

int run_serve(const Config& config, const ServeOptions& options);

}  // namespace feedd::daemon
