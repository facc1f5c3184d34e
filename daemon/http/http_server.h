// The HTTP/1.1 server (Boost.Beast over Asio, kept out of this header): binds every listen
// address at construction (throws std::runtime_error naming the address on failure, a
// start-up error), then start() runs `threads` I/O threads, one coroutine per connection,
// answering from the SnapshotStore through route(). stop() is thread-safe and graceful:
// stop accepting, close idle connections, let in-flight responses finish; wait() joins.
// Constructing one sets SIGPIPE to SIG_IGN for the process (a closed peer is an error value).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "daemon/defaults.h"
#include "daemon/http/client_address.h"
#include "daemon/http/metrics.h"
#include "daemon/http/snapshot_store.h"

namespace feedd::daemon {

class DeltaFeeds;
class PollLimiter;
class TopicFeeds;
class WebhookEndpoint;
class WebSubService;

struct ServerOptions {
  std::vector<std::string> listen{"127.0.0.1:8080"};  // "host:port", "[v6]:port"; port 0 ok
  std::vector<int> inherited_fds;  // listening sockets passed by systemd (used as well)
  int threads = 0;                 // 0: std::thread::hardware_concurrency()
  // Deadline for each read (the whole request) and each write.
  std::chrono::seconds timeout = defaults::kServerTimeout;
  std::uint32_t header_limit = defaults::kHeaderLimit;  // request line + fields -> 431
  std::uint64_t max_body = defaults::kMaxBody;          // bytes of request body -> 413
  WebhookEndpoint* hooks = nullptr;  // POST /hooks/rebuild; null: 401 not configured
  TopicFeeds* topics = nullptr;      // topic feeds and archive pages; null: their paths are 404
  DeltaFeeds* deltas = nullptr;      // RFC 3229 delta feeds; null: never a 226
  WebSubService* websub = nullptr;   // the built-in WebSub hub; null: /websub is 404
  bool access_log = false;           // one log line per request on channel "access"
  // Polite polling: refuses unconditional feed refetches that come too soon (429); null: off.
  PollLimiter* poll_limiter = nullptr;
  TrustedProxies trusted_proxies;   // whose X-Forwarded-For names the client
  std::size_t max_connections = 0;  // 0: derived from RLIMIT_NOFILE
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, SnapshotStore& store, Metrics& metrics);
  ~HttpServer();  // stops and joins if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound addresses with their real ports, e.g. "127.0.0.1:40123", "[::1]:40123".
  std::vector<std::string> addresses() const;
  std::vector<std::uint16_t> ports() const;
  int threads() const;
  std::size_t max_connections() const;
  // The connections each thread serves now (accepted, session not ended).
  std::vector<std::size_t> connections_per_thread() const;

  void start();
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace feedd::daemon
