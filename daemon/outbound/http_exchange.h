// One outgoing HTTP/1.1 exchange, used by HttpClient: resolve (SSRF-checked), then a kept
// connection of the pool to one of the allowed addresses or a new one (connect, TLS when
// https), write the request, read the size-capped response, each phase with its deadline;
// the connection goes back to the pool when the response allows it. A request that fails on
// a kept connection before any byte of a response is sent once more on a new connection.
// A coroutine on the client's strand; `abort` is set to a function that closes the current
// connection at once (call it only on that strand, only while the coroutine runs).
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <functional>

#include "daemon/outbound/connection_pool.h"
#include "daemon/outbound/http_client.h"
#include "daemon/outbound/outbound_url.h"

namespace feedd::daemon {

// How requests found their connections; read from any thread.
struct ConnectionCounters {
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> reused{0};
  std::atomic<std::uint64_t> retried{0};
};

// The client's parts an exchange uses; all outlive it.
struct ExchangeContext {
  const ClientOptions& options;
  boost::asio::ssl::context& tls;
  ConnectionPool& pool;
  ConnectionCounters& counters;
};

boost::asio::awaitable<OutboundResult> http_exchange(const OutboundUrl& url,
                                                     const OutboundRequest& request,
                                                     ExchangeContext context,
                                                     std::function<void()>& abort);

}  // namespace feedd::daemon
