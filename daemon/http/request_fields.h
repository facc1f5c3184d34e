// The header fields of a request head (RFC 9110 §5, RFC 9112 §5-§6): which ones feedd acts
// on (Host, framing, Connection, Expect, validators, Accept*, the webhook signatures), each
// checked for its own syntax, and the framing rules that need all of them together. Pure
// functions over the caller's RequestHead; thread-safe; never throw. Used by request_parser.
#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <string_view>

#include "daemon/http/request_parser.h"

namespace feedd::daemon {

// What the fields say about framing and the connection, checked once all are read.
struct FieldFacts {
  int host_fields = 0;
  bool has_length = false;
  std::uint64_t length = 0;
  bool length_conflict = false;
  bool length_invalid = false;
  bool has_transfer_encoding = false;
  int codings = 0;
  int chunked_count = 0;
  bool last_is_chunked = false;
  bool unknown_coding = false;
  bool bad_coding = false;
  bool close = false;
  bool keep_alive = false;
};

// One field line, already split and trimmed (`name` is a token, `value` a field value):
// records what `out` needs and what the framing rules need in `facts`.
boost::system::result<void> take_field(std::string_view name, std::string_view value,
                                       RequestHead& out, FieldFacts& facts);

// RFC 9112 §3.2, §6.1, §6.3, §9.3: the rules that need every field (one Host, Content-Length
// against Transfer-Encoding, chunked last, keep-alive), applied to `out` once all are read.
boost::system::result<void> decide_framing(const FieldFacts& facts, RequestHead& out);

}  // namespace feedd::daemon
