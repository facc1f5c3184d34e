#include "daemon/http/listen_address.h"

#include <boost/asio/ip/address.hpp>

namespace feedd::daemon {

boost::asio::ip::tcp::endpoint parse_listen_address(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    throw std::invalid_argument("expected host:port");
  }
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (text.back() == ']') {
    throw std::invalid_argument("expected host:port, as in [::1]:8080");
  } else if (host.find(':') != std::string::npos) {
    // "::1:8080" is also a whole IPv6 address: which part is the port cannot be told.
    throw std::invalid_argument("an IPv6 address goes in brackets, as in [::1]:8080");
  }
  if (host.empty() || host == "*") {
    host = "0.0.0.0";
  }
  unsigned long port = 0;
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      (port = std::stoul(port_text)) > 65535) {
    throw std::invalid_argument("bad port");
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) {
    throw std::invalid_argument("bad address: " + ec.message());
  }
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace feedd::daemon
