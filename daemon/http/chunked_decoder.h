// The chunked transfer coding of a request body (RFC 9112 §7.1), decoded incrementally from
// bytes that arrive piece by piece; chunk extensions and trailer fields are checked and
// dropped. Pure (no I/O); one decoder per body being read, not thread-safe.
#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/http/request_error.h"

namespace feedd::daemon {

class ChunkedDecoder {
 public:
  // Consumes a prefix of `bytes`, appending chunk data to `body`; returns the bytes
  // consumed (the caller drops them and calls again with more). bad_chunk on malformed
  // input; body_too_large when `body` would pass `max_body`; head_too_large when chunk
  // lines or trailers pass `line_limit` bytes.
  boost::system::result<std::size_t> feed(std::string_view bytes, std::string& body,
                                          std::uint64_t max_body, std::size_t line_limit);
  bool done() const { return state_ == State::done; }
  void reset() { *this = ChunkedDecoder{}; }

 private:
  enum class State { size_line, data, data_crlf, trailer, done };
  boost::system::result<void> line(std::string_view text);

  State state_ = State::size_line;
  std::uint64_t remaining_ = 0;  // bytes left in the current chunk
  std::size_t line_bytes_ = 0;   // bytes of chunk lines and trailers so far
};

}  // namespace feedd::daemon
