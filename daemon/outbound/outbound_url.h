// An outgoing request's URL taken apart: scheme, host to resolve, port, request target and
// Host field. Only absolute http:// and https:// URLs with a host and no user info pass.
// Pure; thread-safe.
#pragma once

#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace feedd::daemon {

struct OutboundUrl {
  bool tls = false;         // https
  std::string host;         // to resolve: a name or an IP literal (IPv6 without brackets)
  std::string port;         // "80"/"443" by default
  std::string target;       // path (at least "/") and query, as encoded in the URL
  std::string host_header;  // host[:port] as written in the URL
  std::string key() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

// OutboundError::bad_url when `url` is not such a URL.
boost::system::result<OutboundUrl> parse_outbound_url(std::string_view url);

}  // namespace feedd::daemon
