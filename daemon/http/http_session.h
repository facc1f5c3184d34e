// Internal to the HTTP server (daemon/http/http_server.cpp and daemon/http/http_session.cpp): the
// state the acceptors and connection coroutines share, and the per-connection coroutine.
// ServerShared outlives every session; its mutex guards only the session registry (touched
// at connect and disconnect, never per request). Everything else in it is atomic or fixed.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "daemon/http/http_server.h"

namespace feedd::daemon {

// One per connection; lives in the registry so that stop() can close idle connections.
// `socket`, `busy` and `fresh` are touched only on the connection's strand (`executor`).
struct SessionControl {
  boost::asio::any_io_executor executor;
  boost::asio::ip::tcp::socket* socket = nullptr;  // null once the session ended
  bool busy = false;                               // between a request and its response
  // No request read yet: the client has just connected and its request is on the way, so a
  // stopping server answers it (Connection: close) rather than resetting the connection.
  bool fresh = true;
};

struct ServerShared {
  ServerOptions options;
  SnapshotStore& store;
  Metrics& metrics;
  std::string cache_control;  // "public, max-age=N"
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open_connections{0};

  std::mutex sessions_mutex;
  std::unordered_set<std::shared_ptr<SessionControl>> sessions;  // guarded by sessions_mutex
};

// Serves one connection until it closes, times out, or the server stops. Never throws.
boost::asio::awaitable<void> run_session(boost::asio::ip::tcp::socket socket, ServerShared& shared);

}  // namespace feedd::daemon
