// The HTTP/1.1 request parser (RFC 9112 §2-§7, strict): pure functions from bytes to a
// RequestHead and a body, or a RequestError naming the rule broken and the status to refuse
// with (the server then closes the connection). No I/O; once a RequestHead's strings have
// grown, parsing allocates nothing (they are reused from request to request). Distinct
// objects may be used on distinct threads. parse_request() is the whole-request entry point
// (what a fuzzer calls); the server uses its pieces incrementally.
#pragma once

#include <array>
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/defaults.h"
#include "daemon/http/chunked_decoder.h"
#include "daemon/http/request_error.h"
#include "daemon/http/router.h"

namespace feedd::daemon {

// A field value as received; several field lines of one name are joined with ", ".
struct FieldValue {
  std::string text;
  bool present = false;
  std::optional<std::string_view> view() const {
    return present ? std::optional<std::string_view>(text) : std::nullopt;
  }
};

struct RequestHead {
  enum class Body { none, length, chunked };

  std::string method;  // a token, case as sent
  std::string target;  // visible ASCII: origin-form, absolute-form, "*" or authority-form
  int version = 11;    // 10 or 11 (HTTP/1.2 and up count as 1.1)
  Body body = Body::none;
  std::uint64_t content_length = 0;  // when body == Body::length
  bool keep_alive = true;            // 1.1 unless "Connection: close"; 1.0 only with "keep-alive"
  bool expect_continue = false;
  FieldValue if_none_match, if_modified_since, accept_encoding, accept, a_im;
  FieldValue if_match, if_unmodified_since;  // RFC 9110 §13.1.1, §13.1.4: rare, 412 when false
  FieldValue x_forwarded_for;  // believed only from server.trusted_proxies (poll_limiter.h)
  std::array<FieldValue, kWebhookFields.size()> webhook;  // by kWebhookFields (webhook_auth.h)

  void clear();
  // Calls `each` with every FieldValue of `head` (a RequestHead, const or not), the
  // webhook's included: one list for clearing them and for counting their memory.
  template <typename Head, typename Each>
  static void for_each_field(Head& head, Each each) {
    for (auto* value :
         {&head.if_none_match, &head.if_modified_since, &head.accept_encoding, &head.accept,
          &head.a_im, &head.if_match, &head.if_unmodified_since, &head.x_forwarded_for}) {
      each(*value);
    }
    for (auto& value : head.webhook) {
      each(value);
    }
  }
  // The router's view; it points into this head and `body`.
  Request to_request(std::string_view body) const;
};

// Finds where a request head ends in bytes that arrive piece by piece: call scan() with
// everything received so far (the same start each time); it looks at each byte once.
class HeadScanner {
 public:
  // The head's length (leading empty lines, request line, fields and the empty line) once
  // complete; 0 while more bytes are needed; bad_line_ending at the first bare CR or LF;
  // head_too_large when `limit` bytes hold no complete head.
  boost::system::result<std::size_t> scan(std::string_view bytes, std::size_t limit);
  void reset() { *this = HeadScanner{}; }

 private:
  std::size_t scanned_ = 0;
  std::size_t line_start_ = 0;
  bool in_head_ = false;  // past the empty lines a request may be preceded by
};

// Parses a complete head, as delimited by HeadScanner, into `out` (cleared first) and
// decides the body framing (RFC 9112 §6.3).
boost::system::result<void> parse_request_head(std::string_view head, RequestHead& out);

struct RequestLimits {
  std::size_t header_limit = defaults::kHeaderLimit;
  std::uint64_t max_body = defaults::kMaxBody;
};

// The whole-request entry point: parses the request at the start of `bytes` into `head` and
// `body`. Returns the bytes it takes (the next pipelined request starts there), 0 when
// `bytes` holds only part of a request, or the RequestError.
boost::system::result<std::size_t> parse_request(std::string_view bytes, RequestHead& head,
                                                 std::string& body, const RequestLimits& limits);

}  // namespace feedd::daemon
