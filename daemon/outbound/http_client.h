// HttpClient: feedd's outgoing HTTP/1.1 requests (WebSub deliveries and pings, cache purges).
// send() is thread-safe and never blocks: the request joins a bounded queue and runs on the
// io_context given at construction (one the daemon owns, never the serving threads), at most
// `max_per_host` at once per scheme+host+port and `max_total` in all. Requests to destinations
// that failed before (OutboundRequest::suspect) run in a lane of their own with smaller limits,
// and a request unanswered after `stall_after` moves to that lane as soon as it has room: dead
// destinations never hold every slot of a host that healthy ones share. The callback runs on
// that io_context exactly once, with the response (any status) or an OutboundError / system
// error_code. Every phase has a deadline, responses are size-capped, redirects are returned,
// never followed, and resolved addresses are checked against address_policy (SSRF) unless the
// request allows private destinations. TLS (https) verifies the peer against the system CA
// store (or options.ca_file). Connections are kept open between requests to the same host
// and address (HTTP/1.1 keep-alive, at most max_idle_per_host per host and max_idle_total in
// all, closed after idle_timeout): a kept connection is not a running request, so the limits
// above count requests as before. shutdown() fails queued requests and aborts running ones.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace feedd::daemon {

using OutboundHeaders = std::vector<std::pair<std::string, std::string>>;

struct OutboundRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;  // GET, POST, PURGE, ...
  std::string url;          // absolute http:// or https://; the target is its path and query
  OutboundHeaders headers;  // added as given (a Host here replaces the URL's); Content-Length
                            // and User-Agent are set here
  std::string body;         // sent with Content-Length when not empty (or for POST)
  // Sent instead of `body` when set: one feed's bytes shared by many deliveries.
  std::shared_ptr<const std::string> shared_body;
  bool allow_private = false;  // also connect to loopback/private/... destinations
  bool paced = false;          // background work: started at ClientOptions::paced_per_s
  // The destination failed its last request (a retry, a callback that did not answer): runs
  // in the suspect lane (ClientOptions::max_suspect_per_host, max_suspect_total).
  bool suspect = false;
};

struct OutboundResponse {
  unsigned status = 0;
  OutboundHeaders headers;  // in order received
  std::string body;
  // The first value of field `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

using OutboundResult = boost::system::result<OutboundResponse>;
using OutboundCallback = std::function<void(OutboundResult)>;

struct ClientOptions {
  std::chrono::milliseconds resolve_connect_timeout{10000};  // DNS and TCP (and TLS) setup
  std::chrono::milliseconds write_timeout{10000};            // the whole request
  std::chrono::milliseconds read_timeout{10000};             // the whole response
  std::size_t max_response_bytes = 1 << 20;  // body, else dropped (the status stands); head 16 KiB
  std::size_t max_per_host = 4;              // running at once per host (requests not suspect)
  std::size_t max_total = 64;                // running at once in all (likewise)
  std::size_t max_suspect_per_host = 1;      // suspect requests running at once per host
  std::size_t max_suspect_total = 16;        // suspect requests running at once in all
  // A request not suspect and still unanswered after this long moves to the suspect lane as
  // soon as that has room (oldest first), and its slot starts the next request. 0: never.
  std::chrono::milliseconds stall_after{2000};
  std::size_t max_queued = 100000;    // waiting; more: queue_full
  std::size_t max_idle_per_host = 4;  // kept open for reuse per host; 0: none (Connection: close)
  std::size_t max_idle_total = 64;    // kept open for reuse in all
  std::chrono::milliseconds idle_timeout{4000};  // a kept connection unused this long is closed
  std::string ca_file;  // PEM file of trusted CAs; empty: the system store (ca-certificates)
  std::string user_agent = "feedd";
  // Paced requests started per second at most, after a burst of paced_burst (RequestPace);
  // 0: no pace. A paced request waits for its turn in the queue's order.
  std::size_t paced_per_s = 0;
  std::size_t paced_burst = 64;
};

struct ClientStats {
  std::uint64_t sent = 0;           // requests that got a response (any status)
  std::uint64_t failed = 0;         // requests that ended with an error (refusals included)
  std::uint64_t refused = 0;        // of which forbidden_address (SSRF)
  std::size_t running = 0;          // now (both lanes)
  std::size_t running_suspect = 0;  // of which in the suspect lane
  std::uint64_t suspect = 0;  // requests started in the suspect lane (OutboundRequest::suspect)
  std::uint64_t stalled = 0;  // requests moved to the suspect lane after stall_after
  std::size_t queued = 0;     // now
  std::uint64_t opened = 0;   // connections opened (TCP connected; TLS included)
  std::uint64_t reused = 0;   // requests sent on a kept connection
  std::uint64_t retried = 0;  // of which sent again on a new one: the kept one was closed
  std::size_t idle = 0;       // connections kept open now
};

class HttpClient {
 public:
  // Throws std::runtime_error when the TLS context cannot be set up (a start-up error).
  HttpClient(boost::asio::io_context& io, ClientOptions options);
  ~HttpClient();  // shutdown(); running requests end soon after, their callbacks with shut_down
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void send(OutboundRequest request, OutboundCallback done);
  void shutdown();
  ClientStats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace feedd::daemon
