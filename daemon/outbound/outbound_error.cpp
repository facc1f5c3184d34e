#include "daemon/outbound/outbound_error.h"

#include "common/error_category.h"

namespace feedd::daemon {
namespace {

// The message of a known value, null otherwise.
const char* describe(OutboundError error) {
  switch (error) {
    case OutboundError::bad_url:
      return "not an absolute http or https URL";
    case OutboundError::resolve_failed:
      return "host name did not resolve";
    case OutboundError::forbidden_address:
      return "host resolves only to loopback, private, link-local, multicast or "
             "unspecified addresses";
    case OutboundError::connect_failed:
      return "connection refused or unreachable";
    case OutboundError::tls_failed:
      return "TLS handshake or certificate verification failed";
    case OutboundError::timed_out:
      return "timed out";
    case OutboundError::io_failed:
      return "connection broken";
    case OutboundError::bad_response:
      return "malformed HTTP response";
    case OutboundError::response_too_large:
      return "response over the size limit";
    case OutboundError::queue_full:
      return "too many outgoing requests queued";
    case OutboundError::shut_down:
      return "outgoing HTTP client shut down";
  }
  return nullptr;
}

}  // namespace

const boost::system::error_category& outbound_error_category() {
  static const common::EnumErrorCategory<OutboundError> category(
      "feedd.outbound", "unknown outbound error ", describe);
  return category;
}

boost::system::error_code make_error_code(OutboundError error) {
  return {static_cast<int>(error), outbound_error_category()};
}

}  // namespace feedd::daemon
