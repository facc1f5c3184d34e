// Why an outgoing HTTP request (daemon/outbound's HttpClient) got no response, as an
// error_code of category "feedd.outbound". A response with any status is not an error.
// Plain values; thread-safe.
#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace feedd::daemon {

enum class OutboundError {
  bad_url = 1,         // not an absolute http:// or https:// URL with a host
  resolve_failed,      // the host name did not resolve (or resolving timed out)
  forbidden_address,   // every address is loopback/private/link-local/multicast/unspecified
  connect_failed,      // no address accepted the connection
  tls_failed,          // TLS handshake or certificate verification failed
  timed_out,           // connect, write or read deadline passed
  io_failed,           // the connection broke while writing or reading
  bad_response,        // the response was not valid HTTP/1.x
  response_too_large,  // header section or body over the client's limits
  queue_full,          // too many requests waiting; nothing was sent
  shut_down,           // the client was shut down before the request completed
};

const boost::system::error_category& outbound_error_category();
boost::system::error_code make_error_code(OutboundError error);

}  // namespace feedd::daemon

template <>
struct boost::system::is_error_code_enum<feedd::daemon::OutboundError> : std::true_type {};
