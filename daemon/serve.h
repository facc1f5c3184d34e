// `feedd serve`: scans the store, builds the first snapshot, serves it over HTTP, rebuilds
// on SIGHUP and drains on SIGTERM/SIGINT (exit 0). The calling thread is the indexer (the
// only one that touches the SitePipeline). Start-up failures (index, bind) throw; the
// command line reports them and exits non-zero.
#pragma once

#include <string>

#include "daemon/config.h"

namespace feedd::daemon {

struct ServeOptions {
  bool access_log = false;  // --access-log, or FEEDD_ACCESS_LOG=1 in the environment
};

int run_serve(const Config& config, const ServeOptions& options);

// hooks.secret, or hooks.secret_file's contents (empty: no secret, every hook refused). A
// file that cannot be read is a ConfigError naming it: serve refuses to start, and `feedd
// check` reports it, as it would any other bad value.
std::string webhook_secret(const Config& config);

}  // namespace feedd::daemon
