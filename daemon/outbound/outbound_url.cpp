#include "daemon/outbound/outbound_url.h"

#include <boost/url/parse.hpp>

#include "daemon/outbound/outbound_error.h"

namespace feedd::daemon {

boost::system::result<OutboundUrl> parse_outbound_url(std::string_view url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return OutboundError::bad_url;
  }
  OutboundUrl out;
  const std::string scheme = parsed->scheme();
  if (scheme == "https") {
    out.tls = true;
  } else if (scheme != "http") {
    return OutboundError::bad_url;
  }
  if (!parsed->has_authority() || parsed->has_userinfo() || parsed->encoded_host().empty()) {
    return OutboundError::bad_url;
  }
  if (parsed->host_type() == boost::urls::host_type::ipv6) {
    out.host = parsed->host_ipv6_address().to_string();
  } else if (parsed->host_type() == boost::urls::host_type::ipvfuture) {
    return OutboundError::bad_url;
  } else {
    out.host = parsed->host();  // percent-decoded registered name or IPv4 literal
  }
  if (out.host.empty() || out.host.find_first_of(" \r\n\t/%@") != std::string::npos) {
    return OutboundError::bad_url;
  }
  out.port = parsed->has_port() ? std::string(parsed->port()) : (out.tls ? "443" : "80");
  if (out.port.empty() || (parsed->has_port() && parsed->port_number() == 0)) {
    return OutboundError::bad_url;
  }
  out.host_header = parsed->encoded_host_and_port();
  out.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) {
    out.target += "?" + std::string(parsed->encoded_query());
  }
  return out;
}

}  // namespace feedd::daemon
