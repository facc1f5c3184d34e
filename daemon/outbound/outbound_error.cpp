#include "daemon/outbound/outbound_error.h"

#include <string>

namespace feedd::daemon {
namespace {

class OutboundErrorCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "feedd.outbound"; }
  std::string message(int value) const override {
    switch (static_cast<OutboundError>(value)) {
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
    return "unknown outbound error " + std::to_string(value);
  }
};

}  // namespace

const boost::system::error_category& outbound_error_category() {
  static const OutboundErrorCategory category;
  return category;
}

boost::system::error_code make_error_code(OutboundError error) {
  return {static_cast<int>(error), outbound_error_category()};
}

}  // namespace feedd::daemon
