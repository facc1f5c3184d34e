#include "daemon/http/http_io.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace feedd::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using tcp = asio::ip::tcp;

std::string_view view_of(const beast::flat_buffer& buffer) {
  const auto bytes = buffer.data();
  return {static_cast<const char*>(bytes.data()), bytes.size()};
}

std::size_t head_read_size(const beast::flat_buffer& buffer) {
  return std::clamp<std::size_t>(buffer.capacity() - buffer.size(), 1024, kReadSize);
}

error_code take_head(RequestBuffers& b, std::size_t size, SessionControl& control) {
  control.phase.store(SessionPhase::busy, std::memory_order_relaxed);
  if (auto parsed = parse_request_head(view_of(b.input).substr(0, size), b.request); !parsed) {
    return parsed.error();
  }
  b.input.consume(size);
  return {};
}

error_code read_head_now(tcp::socket& socket, RequestBuffers& b, const ServerOptions& options,
                         SessionControl& control) {
  b.body.clear();
  HeadScanner scanner;
  auto scanned = scanner.scan(view_of(b.input), options.header_limit);
  if (scanned && *scanned == 0) {
    error_code ec;
    const std::size_t got = socket.read_some(b.input.prepare(head_read_size(b.input)), ec);
    b.input.commit(got);
    if (ec) {
      b.request.clear();  // nothing of the last request stays (the access log reads it)
      return ec;          // would_block included
    }
    scanned = scanner.scan(view_of(b.input), options.header_limit);
  }
  if (!scanned || *scanned == 0) {
    b.request.clear();  // likewise; a head parsed now is cleared by parse_request_head()
    return scanned ? error_code(asio::error::would_block) : scanned.error();
  }
  return take_head(b, *scanned, control);  // the body, if any, is read_body_of()'s
}

namespace {

// A response head's texts that are not in the Response itself: the numbers, written once
// (the views point into the arrays: not copyable).
struct HeadNumbers {
  explicit HeadNumbers(const Response& response)
      : status_text(status, std::to_chars(status, status + sizeof status, response.status).ptr),
        length_text(
            response.status == 304
                ? std::string_view{}
                : std::string_view(
                      length,
                      std::to_chars(length, length + sizeof length, response.body().size()).ptr)) {}
  HeadNumbers(const HeadNumbers&) = delete;
  HeadNumbers& operator=(const HeadNumbers&) = delete;
  char status[12];  // any int
  char length[24];  // any size_t
  std::string_view status_text;
  std::string_view length_text;  // empty: no Content-Length (a 304)
};

// Gives `sink` the head's pieces in order. serialize_head() runs it twice, to measure and then
// to copy into one resize of the string (whose capacity the session keeps): a dozen appends
// cost a third more, and this runs for every response. Inlined, so that the literals' copies
// are stores of a known size, not calls.
template <typename Sink>
inline void put_head(const Response& response, const HeadNumbers& numbers,
                     std::string_view connection, Sink& sink) {
  const auto field = [&sink](std::string_view name, std::string_view value) {
    sink(name);
    sink(": ");
    sink(value);
    sink("\r\n");
  };
  sink("HTTP/1.1 ");
  sink(numbers.status_text);
  sink(" ");
  sink(reason_phrase(response.status));
  sink("\r\n");
  for (const Header& header : response.headers()) {
    field(header.name, header.value);
  }
  if (!response.location.empty()) {
    field("Location", response.location);
  }
  if (!numbers.length_text.empty()) {
    field("Content-Length", numbers.length_text);
  }
  sink(connection);
  sink("\r\n");
}

}  // namespace

void serialize_head(const Response& response, bool keep_alive, bool http10, std::string& out) {
  const HeadNumbers numbers(response);
  const std::string_view connection =
      !keep_alive ? "Connection: close\r\n" : (http10 ? "Connection: keep-alive\r\n" : "");
  std::size_t size = 0;
  auto measure = [&size](std::string_view part) { size += part.size(); };
  put_head(response, numbers, connection, measure);
  out.resize(size);
  char* at = out.data();
  auto copy = [&at](std::string_view part) {
    if (!part.empty()) {  // an empty view's data() may be null, which memcpy must not get
      std::memcpy(at, part.data(), part.size());
      at += part.size();
    }
  };
  put_head(response, numbers, connection, copy);
}

std::array<asio::const_buffer, 2> parts_of(const RequestBuffers& b) {
  const std::string_view body = b.response.head ? std::string_view{} : b.response.body();
  return {asio::buffer(b.head), asio::buffer(body)};
}

std::array<asio::const_buffer, 2> after(std::array<asio::const_buffer, 2> parts, std::size_t skip) {
  const std::size_t first = std::min(skip, parts[0].size());
  return {parts[0] + first, parts[1] + (skip - first)};
}

error_code write_now(tcp::socket& socket, const RequestBuffers& b, std::size_t& written) {
  if (b.response.body_file >= 0 && !b.response.head) {
    return asio::error::would_block;
  }
  const auto parts = parts_of(b);
  const std::size_t total = parts[0].size() + parts[1].size();
  error_code ec;
  while (written < total && !ec) {
    written += socket.write_some(after(parts, written), ec);
  }
  return ec;
}

}  // namespace feedd::daemon
