// Internal to the HTTP server (daemon/http/: http_server.cpp, http_session.cpp,
// connection_shedder.cpp, idle_sweeper.cpp): the state the acceptors and connection coroutines
// share, and the per-connection coroutine. ServerShared outlives every session; its mutex guards
// only the session registry (touched at connect, disconnect, by the idle sweep and when shedding at
// the cap, never per request). Everything else in it is atomic or fixed after construction.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "daemon/http/http_server.h"

namespace feedd::daemon {

// Where a connection is between requests, as the connection shedder sees it.
enum class SessionPhase : std::uint8_t {
  waiting,  // for a request: new, or kept alive after a response; nothing of it received
  head,     // part of a request head received, waiting for the rest
  busy,     // a request is being read (its body) or answered
};

// One per connection; lives in the registry so that stop() and the shedder can reach it.
// `socket`, `fresh` and `deadline_generation` are touched only on the connection's
// io_context (`executor`, fixed; one thread runs it); `phase`, `waiting_since`,
// `wait_deadline` and `shed` are written by the session and read (`shed`: set once) by the
// acceptors and the IdleSweeper, from any thread.
struct SessionControl {
  boost::asio::any_io_executor executor;
  boost::asio::ip::tcp::socket* socket = nullptr;  // null once the session ended
  // No request read yet: the client has just connected and its request is on the way, so a
  // stopping server answers it (Connection: close) rather than resetting the connection.
  bool fresh = true;
  std::uint32_t deadline_generation = 0;  // a deadline timer fires only for its own wait
  std::atomic<SessionPhase> phase{SessionPhase::waiting};
  // steady_clock ticks since when the connection waits for a complete request: its connect
  // or the end of its last response (a head that started arriving does not reset it).
  std::atomic<std::int64_t> waiting_since{0};
  std::atomic<bool> shed{false};  // chosen to make room: close at the first chance
  // While the session waits for the first bytes of a request: the steady ticks at which
  // the IdleSweeper ends the wait; kNoDeadline otherwise.
  static constexpr std::int64_t kNoDeadline = INT64_MAX;
  std::atomic<std::int64_t> wait_deadline{kNoDeadline};

  // After a response, on the connection's thread: waiting, since `now` (steady ticks).
  void wait_again(std::int64_t now);
};

struct ServerShared {
  ServerShared(ServerOptions options_in, SnapshotStore& store_in, Metrics& metrics_in,
               std::size_t max_connections_in)
      : options(std::move(options_in)),
        store(store_in),
        metrics(metrics_in),
        max_connections(max_connections_in) {}

  const ServerOptions options;
  SnapshotStore& store;
  Metrics& metrics;
  const std::size_t max_connections;  // the cap; see ConnectionShedder
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open_connections{0};  // counted at accept, until the session ends
  std::atomic<std::size_t> shedding{0};          // sessions with `shed` set, not ended yet
  std::atomic<std::size_t> accept_loops{0};      // running (HttpServer::start() to their end)

  std::mutex sessions_mutex;
  std::unordered_set<std::shared_ptr<SessionControl>> sessions;  // guarded by sessions_mutex
};

// steady_clock::now() as the ticks SessionControl::waiting_since holds.
std::int64_t steady_ticks();

// How long a stopping server still waits for the first request of a connection that has just
// connected (it connected before the listening socket closed; its request may be a moment
// away).
inline constexpr std::chrono::milliseconds kFreshGrace{500};

// On the session's io_context (its one thread): ends the session's wait for a request, unless
// request bytes have arrived (the session is reading them; a stopping server answers with
// Connection: close). Cancelling a read with unread bytes would make close() send a reset.
void cancel_unless_request_waiting(SessionControl& control);

// Serves one connection until it closes, times out, is shed, or the server stops. Never
// throws. Between requests it holds no request buffers (see request_buffers.h).
boost::asio::awaitable<void> run_session(boost::asio::ip::tcp::socket socket, ServerShared& shared);

}  // namespace feedd::daemon
