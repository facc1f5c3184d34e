// The non-suspending half of a connection's request cycle (internal to the HTTP server,
// used by http_session.cpp): read and parse a head from what a non-blocking socket holds
// now, serialize a response head, write what the socket takes now. The session suspends
// only when these say would_block, so a keep-alive request that arrives in one packet and
// gets a small answer needs no coroutine frame and no timer. No state; errors are values.
#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "daemon/http/http_session.h"
#include "daemon/http/request_buffers.h"

namespace feedd::daemon {

inline constexpr std::size_t kReadSize = 16 * 1024;  // the most one read of a head takes

std::string_view view_of(const boost::beast::flat_buffer& buffer);

// How much the next read of a head may take: the room the buffer has, at least 1 KiB (most
// heads are smaller), so that a request in progress costs what its head needs, not 16 KiB.
std::size_t head_read_size(const boost::beast::flat_buffer& buffer);

// The complete head at the start of `b.input` (`size` bytes) parsed into `b.request` and
// consumed; the session is busy from here on. A RequestError when it breaks a rule.
boost::system::error_code take_head(RequestBuffers& b, std::size_t size, SessionControl& control);

// Scans what `b.input` holds plus what `socket` (non-blocking) holds now: would_block when
// the head is not complete yet (the session then reads it with suspending reads, starting
// over); else take_head()'s result, or the socket's error. A body is left unread.
boost::system::error_code read_head_now(boost::asio::ip::tcp::socket& socket, RequestBuffers& b,
                                        const ServerOptions& options, SessionControl& control);

// Status line and header section of `response` into `out` (cleared first).
void serialize_head(const Response& response, bool keep_alive, bool http10, std::string& out);

// The parts of a response in `b` that is not sent from a file: head and body (none for HEAD).
std::array<boost::asio::const_buffer, 2> parts_of(const RequestBuffers& b);

// `parts` without their first `skip` bytes.
std::array<boost::asio::const_buffer, 2> after(std::array<boost::asio::const_buffer, 2> parts,
                                               std::size_t skip);

// Writes what `socket` (non-blocking) takes now of the response in `b` (head serialized),
// adding to `written`; would_block when the rest must wait, and at once for a body sent
// from a file (sendfile() is the session's).
boost::system::error_code write_now(boost::asio::ip::tcp::socket& socket, const RequestBuffers& b,
                                    std::size_t& written);

}  // namespace feedd::daemon
