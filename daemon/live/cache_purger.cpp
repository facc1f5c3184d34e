#include "daemon/live/cache_purger.h"

#include <boost/url/parse.hpp>

#include "daemon/live/purge_paths.h"
#include "daemon/log.h"

namespace feedd::daemon {
namespace {

constexpr std::string_view kPurgeChannel = "purge";

// One snapshot's purges to one cache, logged once when the last one ends. Touched only by
// the client's callbacks, which run on its single thread.
struct Batch {
  std::string cache;
  std::size_t remaining = 0;
  std::size_t failed = 0;
  std::string first_failure;
};

void finish(Batch& batch, Metrics& metrics, const std::string& path, const OutboundResult& result) {
  std::string failure;
  if (!result) {
    failure = result.error().message();
  } else if (result->status < 200 || result->status > 299) {
    failure = "status " + std::to_string(result->status);
  }
  metrics.record_purge(failure.empty());
  if (!failure.empty() && batch.failed++ == 0) {
    batch.first_failure = path + ": " + failure;
  }
  if (--batch.remaining == 0 && batch.failed > 0) {
    log::warning(kPurgeChannel, "PURGE to " + batch.cache + "/: " + std::to_string(batch.failed) +
                               " failed (first: " + batch.first_failure + ")");
  }
}

std::vector<std::string> without_slash(std::vector<std::string> caches) {
  for (auto& cache : caches) {
    while (!cache.empty() && cache.back() == '/') {
      cache.pop_back();
    }
  }
  return caches;
}

}  // namespace

CachePurger::CachePurger(HttpClient& client, std::vector<std::string> caches,
                         const std::string& feeds_url, Metrics& metrics)
    : client_(client), caches_(without_slash(std::move(caches))), metrics_(metrics) {
  auto url = boost::urls::parse_absolute_uri(feeds_url);
  host_ = url ? std::string(url->encoded_host_and_port()) : "";
}

void CachePurger::purge(const feeds::Snapshot& previous, const feeds::Snapshot& next) {
  if (caches_.empty()) {
    return;
  }
  const auto paths = changed_paths(previous, next);
  if (paths.empty()) {
    return;
  }
  for (const auto& cache : caches_) {
    auto batch = std::make_shared<Batch>(Batch{cache, paths.size(), 0, {}});
    for (const auto& path : paths) {
      OutboundRequest request;
      request.method = boost::beast::http::verb::purge;
      request.url = cache + path;
      request.headers = {{"Host", host_}};
      request.allow_private = true;  // the operator's own caches, usually on loopback
      client_.send(std::move(request), [batch, &metrics = metrics_, path](OutboundResult result) {
        finish(*batch, metrics, path, result);
      });
    }
  }
}

}  // namespace feedd::daemon
