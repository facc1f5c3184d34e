// [cache] purge: after each new snapshot, `PURGE <path>` (Host: feeds_url's host) for every
// path whose bytes changed (purge_paths.h) to every configured cache, through the daemon's
// outgoing HttpClient (daemon/outbound: its queue, concurrency bounds and deadlines).
// purge() only queues and returns: nothing waits for a purge. A failure (no answer, or a
// status other than 2xx) is counted in /metrics (feedd_cache_purges_total) and logged once
// per snapshot and cache. purge() is called on one thread (the control thread); the results
// arrive on the client's thread and touch only their own batch and the atomic counters.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon/http/metrics.h"
#include "daemon/outbound/http_client.h"
#include "feeds/snapshot.h"

namespace feedd::daemon {

class CachePurger {
 public:
  // `caches`: [cache] purge URLs (http://, validated by the configuration); `feeds_url`
  // gives the Host field. `client` and `metrics` must outlive the requests (the client's
  // shutdown ends them).
  CachePurger(HttpClient& client, std::vector<std::string> caches, const std::string& feeds_url,
              Metrics& metrics);

  // Sends the purges `next` calls for after `previous` (nothing when no cache is set).
  void purge(const feeds::Snapshot& previous, const feeds::Snapshot& next);

 private:
  HttpClient& client_;
  const std::vector<std::string> caches_;  // each without its trailing '/'
  std::string host_;
  Metrics& metrics_;
};

}  // namespace feedd::daemon
