// What a connection answers (internal to the HTTP server, used by http_session.cpp): the
// route of a request read, or the error answer of one refused, with polite polling applied;
// then its count in /metrics and the access log. Called on the connection's thread; no
// suspension and no allocation on the way of a 304 (the keep-alive fast path). Never throws.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/http/client_address.h"
#include "daemon/http/http_session.h"
#include "daemon/http/request_buffers.h"
#include "feeds/snapshot.h"

namespace feedd::daemon {

// What the session found for a request before answering it.
struct Lookup {
  std::optional<std::string_view> path;       // request_path() of its target, taken once
  const feeds::Resource* resource = nullptr;  // at `path`: the snapshot's or `topic`; null: none
  const feeds::Resource* topic = nullptr;     // the topic feed or archive page at `path`, if any
};

// Routes the request read into `b`, or the error `ec` that refused it, into `b.response`
// and `b.head` (`lookup`: what the caller found at its path; `snapshot`, loaded here when
// null, keeps the body alive); false when there is nothing to answer
// (end of stream, timeout, reset, shed or stopping). `keep_alive`: another may follow.
// The session is busy from here on.
bool prepare_answer(RequestBuffers& b, boost::system::error_code ec, ServerShared& shared,
                    SessionControl& control, const boost::asio::ip::tcp::socket& socket,
                    const Lookup& lookup, std::shared_ptr<const feeds::Snapshot>& snapshot,
                    const ClientAddress& peer, bool& keep_alive);

// The answer in `b`, `written` bytes of it sent: counted in /metrics, and an access log line
// for `remote` when server.access_log is on.
void count_answer(const RequestBuffers& b, std::size_t written, ServerShared& shared,
                  const std::string& remote);

// The peer's address and port as text ("192.0.2.1:5000", "[::1]:5000"; "?" when unknown).
std::string remote_of(const boost::asio::ip::tcp::socket& socket);

// The peer's address as a ClientAddress (IPv4 mapped into IPv6; all zero when unknown).
ClientAddress peer_of(const boost::asio::ip::tcp::socket& socket);

}  // namespace feedd::daemon
