#include "daemon/http/http_io.h"

#include <algorithm>
#include <charconv>

namespace feedd::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

}  // namespace

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
  b.request.clear();
  b.body.clear();
  HeadScanner scanner;
  auto scanned = scanner.scan(view_of(b.input), options.header_limit);
  if (scanned && *scanned == 0) {
    error_code ec;
    const std::size_t got = socket.read_some(b.input.prepare(head_read_size(b.input)), ec);
    b.input.commit(got);
    if (ec) {
      return ec;  // would_block included
    }
    scanned = scanner.scan(view_of(b.input), options.header_limit);
  }
  if (!scanned) {
    return scanned.error();
  }
  if (*scanned == 0) {
    return asio::error::would_block;
  }
  return take_head(b, *scanned, control);  // the body, if any, is read_body_of()'s
}

void serialize_head(const Response& response, bool keep_alive, bool http10, std::string& out) {
  out.clear();
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(response.status));
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  for (const Header& field : response.headers()) {
    out += field.name;
    out += ": ";
    out += field.value;
    out += "\r\n";
  }
  if (!response.location.empty()) {
    out += "Location: ";
    out += response.location;
    out += "\r\n";
  }
  if (response.status != 304) {
    out += "Content-Length: ";
    append_number(out, response.body().size());
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
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
