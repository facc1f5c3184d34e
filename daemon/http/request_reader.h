// The suspending half of reading a request (internal to the HTTP server, used by
// http_session.cpp when http_io.h's non-suspending reads say would_block): the rest of a head
// that did not come in one read, and a Content-Length or chunked body, under the stream's
// deadline (set by the caller). One connection's coroutine calls these; no state of their own.
// Errors are values: a RequestError (answer it, then close) or the stream's (close silently).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

#include "daemon/http/http_session.h"
#include "daemon/http/request_buffers.h"

namespace feedd::daemon {

// Reads the next request of the connection into `b.request` and `b.body`, strictly (RFC
// 9112; see request_parser.h). Bytes of pipelined requests stay in `b.input`. The phase is
// `head` while a head arrives in more than one read (counted in `metrics`), `busy` once it
// is complete; a session chosen to be shed stops with operation_aborted.
boost::asio::awaitable<boost::system::error_code> read_request(boost::beast::tcp_stream& stream,
                                                               RequestBuffers& b,
                                                               const ServerOptions& options,
                                                               Metrics& metrics,
                                                               SessionControl& control);

// After a head that announces a body (parsed into `b.request`): the body into `b.body`, with
// 100 Continue first when the client asks for it and the body is not over the limit.
boost::asio::awaitable<boost::system::error_code> read_body_of(boost::beast::tcp_stream& stream,
                                                               RequestBuffers& b,
                                                               const ServerOptions& options);

}  // namespace feedd::daemon
