// The memory of one request in progress on one connection: the bytes read and not yet
// parsed, the parsed head and body, the response and its serialized head. A connection
// holds one only from the first byte of a request to the end of its response, so an idle
// connection holds none. take()/give() recycle them through a small per-thread pool: a
// keep-alive request allocates nothing once its strings have grown. A RequestBuffers is
// used by one connection at a time; take() and give() may run on any thread.
#pragma once

#include <array>
#include <boost/beast/core/flat_buffer.hpp>
#include <memory>
#include <string>

#include "daemon/http/request_parser.h"
#include "daemon/http/router.h"

namespace feedd::daemon {

struct RequestBuffers {
  boost::beast::flat_buffer input;  // received bytes not yet consumed (pipelined requests)
  RequestHead request;
  std::string body;
  Response response;
  std::string head;                    // the response's status line and fields
  std::array<char, 16> retry_after{};  // a 429's Retry-After value (the response points here)
  std::string path;  // the request's path when normalize_path() decoded an escape in it

  // One from this thread's pool, or a new one.
  static std::unique_ptr<RequestBuffers> take();
  // Back to this thread's pool (null is ignored); freed instead when the pool is full or
  // the buffers grew past what a typical request needs (a large body or head).
  static void give(std::unique_ptr<RequestBuffers> buffers);
};

}  // namespace feedd::daemon
