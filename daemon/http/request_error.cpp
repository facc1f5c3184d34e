#include "daemon/http/request_error.h"

#include "common/error_category.h"

namespace feedd::daemon {
namespace {

// The message of a known value, null otherwise.
const char* describe(RequestError error) {
  switch (error) {
    case RequestError::bad_request_line:
      return "malformed request line";
    case RequestError::version_not_supported:
      return "HTTP major version not supported";
    case RequestError::bad_target:
      return "invalid character in request target";
    case RequestError::bad_line_ending:
      return "bare CR or LF (lines must end with CRLF)";
    case RequestError::bad_field:
      return "malformed field name";
    case RequestError::obs_fold:
      return "obsolete line folding in a field";
    case RequestError::bad_field_value:
      return "control character in a field value";
    case RequestError::missing_host:
      return "HTTP/1.1 request without Host";
    case RequestError::bad_host:
      return "several Host fields or an invalid Host";
    case RequestError::bad_content_length:
      return "invalid Content-Length";
    case RequestError::conflicting_content_length:
      return "conflicting Content-Length values";
    case RequestError::length_and_chunked:
      return "both Transfer-Encoding and Content-Length";
    case RequestError::chunked_not_last:
      return "Transfer-Encoding does not end with one chunked";
    case RequestError::transfer_encoding_http10:
      return "Transfer-Encoding in an HTTP/1.0 request";
    case RequestError::unknown_transfer_coding:
      return "transfer coding not implemented";
    case RequestError::bad_chunk:
      return "malformed chunked body";
    case RequestError::head_too_large:
      return "request header section too large";
    case RequestError::body_too_large:
      return "request body too large";
  }
  return nullptr;
}

}  // namespace

const boost::system::error_category& request_error_category() {
  static const common::EnumErrorCategory<RequestError> category("feedd.http.request",
                                                                "unknown request error ", describe);
  return category;
}

boost::system::error_code make_error_code(RequestError error) {
  return {static_cast<int>(error), request_error_category()};
}

int status_of(const boost::system::error_code& ec) {
  // By address (the category has no id): no member access through a base, which UBSan's
  // vptr check would verify with a pipe() that fails when descriptors run out.
  if (&ec.category() != &request_error_category()) {
    return 0;
  }
  switch (static_cast<RequestError>(ec.value())) {
    case RequestError::version_not_supported:
      return 505;
    case RequestError::unknown_transfer_coding:
      return 501;
    case RequestError::head_too_large:
      return 431;
    case RequestError::body_too_large:
      return 413;
    default:
      return 400;
  }
}

}  // namespace feedd::daemon
