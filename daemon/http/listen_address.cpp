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
  }
  if (host.empty() || host == "*") {
    host = "0.0.0.0";
  }
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size() || port > 65535) {
      throw std::out_of_range("port");
    }
  } catch (const std::exception&) {
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
