// A server.listen entry as the endpoint to bind: "127.0.0.1:8080", "[::1]:8080", "*:8080" or
// ":8080" (every IPv4 address), "[::]:0" (any free port). One parser for the configuration's
// check (so that `feedd check` and every command refuse a malformed entry, naming its line)
// and for the server's bind.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <stdexcept>
#include <string>

namespace feedd::daemon {

// Throws std::invalid_argument saying what is wrong ("expected host:port", "bad port",
// "bad address: ...").
boost::asio::ip::tcp::endpoint parse_listen_address(const std::string& text);

}  // namespace feedd::daemon
