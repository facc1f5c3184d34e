// The suspending half of writing a response (internal to the HTTP server, used by
// http_session.cpp when http_io.h's write_now() says would_block): the rest of a response
// under a deadline, big snapshot bodies with sendfile(); the deadline timer of a session's
// socket; and the lingering close after an error answer. One connection's coroutine calls
// these, on its connection's thread; errors are values (the stream's), never thrown.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>

#include "daemon/http/http_session.h"
#include "daemon/http/request_buffers.h"

namespace feedd::daemon {

// Arms `timer` (on the session's thread) to cancel the session's socket at `at`, unless
// disarm_session_deadline() comes first: a timer that fired just before being disarmed does
// nothing.
void arm_session_deadline(boost::asio::steady_timer& timer,
                          const std::shared_ptr<SessionControl>& control,
                          std::chrono::steady_clock::time_point at);
void disarm_session_deadline(boost::asio::steady_timer& timer, SessionControl& control);

// Writes the response in `b` (head serialized), `written` bytes of it already sent: big
// snapshot bodies with sendfile() from their memfd (no user-space copy, under `timer`); the
// rest in the background under the stream's deadline. The bytes written in all, and the
// first error.
boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_slowly(
    boost::beast::tcp_stream& stream, RequestBuffers& b, boost::asio::steady_timer& timer,
    const std::shared_ptr<SessionControl>& control, std::chrono::seconds timeout,
    std::size_t written);

// After an error answer, the client may still be sending (a body over the limit): shuts our
// side down, then reads and drops a bounded amount for a short while, so closing does not
// reset the connection before the client has read our answer.
boost::asio::awaitable<void> linger_after_error(boost::beast::tcp_stream& stream);

}  // namespace feedd::daemon
