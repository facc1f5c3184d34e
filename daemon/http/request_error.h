// Why feedd refuses an HTTP request it cannot parse or accept (RFC 9112 framing and syntax),
// as an error_code of category "feedd.http.request", and the status to answer each with.
// Plain values; thread-safe.
#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace feedd::daemon {

// Why a request was refused; the status to answer with is in parentheses (status_of()).
enum class RequestError {
  bad_request_line = 1,        // not `method SP target SP HTTP/d.d CRLF` (400)
  version_not_supported,       // HTTP/d.d with a major version other than 1, e.g. HTTP/2.0 (505)
  bad_target,                  // a target with a control character, space or non-ASCII byte (400)
  bad_line_ending,             // a bare CR or a bare LF: only CRLF ends a line (400)
  bad_field,                   // a field name not a token, or whitespace before the colon (400)
  obs_fold,                    // a field line starting with whitespace (obsolete folding) (400)
  bad_field_value,             // NUL, CR or another control character in a field value (400)
  missing_host,                // HTTP/1.1 without a Host field (400)
  bad_host,                    // more than one Host field, or an invalid Host value (400)
  bad_content_length,          // Content-Length not a list of decimal numbers, or too big (400)
  conflicting_content_length,  // Content-Length values that differ, e.g. "5, 6" (400)
  length_and_chunked,          // Transfer-Encoding together with Content-Length (400)
  chunked_not_last,            // Transfer-Encoding whose last coding is not one chunked (400)
  transfer_encoding_http10,    // Transfer-Encoding in an HTTP/1.0 request (400)
  unknown_transfer_coding,     // a transfer coding other than chunked, e.g. gzip (501)
  bad_chunk,                   // malformed chunked body: size, extension, CRLF or trailer (400)
  head_too_large,              // request line and fields over the header limit (431)
  body_too_large,              // body over the body limit (413)
};

const boost::system::error_category& request_error_category();
boost::system::error_code make_error_code(RequestError error);
// The status to answer a RequestError with; 0 for an error_code of another category.
int status_of(const boost::system::error_code& ec);

}  // namespace feedd::daemon

template <>
struct boost::system::is_error_code_enum<feedd::daemon::RequestError> : std::true_type {};
