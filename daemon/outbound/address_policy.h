// The SSRF rule of outgoing requests: which resolved addresses feedd refuses to connect to
// unless a caller allows private destinations. Pure functions; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>

namespace feedd::daemon {

// True for loopback, private (RFC 1918, RFC 4193 fc00::/7, 100.64.0.0/10 shared space),
// link-local, multicast, unspecified and "this network" (0.0.0.0/8) addresses, broadcast,
// and IPv4-mapped/compatible IPv6 forms of any of those.
bool is_private_destination(const boost::asio::ip::address& address);

}  // namespace feedd::daemon
