#include "daemon/http/response_writer.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <string_view>

#include "daemon/http/http_io.h"

namespace feedd::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

// Writes `head` then `length` bytes of `file` with sendfile(), waiting for the socket when
// it is full; `deadline` (armed by the caller) cancels the socket when the client is too
// slow. Returns the bytes written and the first error.
asio::awaitable<std::pair<error_code, std::size_t>> send_with_file(asio::ip::tcp::socket& socket,
                                                                   std::string_view head, int file,
                                                                   std::size_t length) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  std::size_t sent = 0;
  error_code ec;
  while (sent < head.size()) {  // MSG_MORE: the head leaves with the first body bytes
    auto [send_ec, n] =
        co_await socket.async_send(asio::buffer(head.substr(sent)), MSG_MORE, token);
    if (send_ec) {
      co_return std::pair{send_ec, sent};
    }
    sent += n;
  }
  off_t offset = 0;
  while (static_cast<std::size_t>(offset) < length) {
    const ssize_t n = ::sendfile(socket.native_handle(), file, &offset,
                                 length - static_cast<std::size_t>(offset));
    if (n > 0) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      auto [wait_ec] = co_await socket.async_wait(asio::socket_base::wait_write, token);
      if (wait_ec) {
        ec = wait_ec;
        break;
      }
      continue;
    }
    ec = n == 0 ? asio::error::eof : error_code(errno, boost::system::system_category());
    break;
  }
  co_return std::pair{ec, sent + static_cast<std::size_t>(offset)};
}

}  // namespace

void arm_session_deadline(asio::steady_timer& timer, const std::shared_ptr<SessionControl>& control,
                          std::chrono::steady_clock::time_point at) {
  const std::uint32_t generation = ++control->deadline_generation;
  timer.expires_at(at);
  timer.async_wait([control, generation](error_code ec) {
    if (!ec && control->deadline_generation == generation && control->socket != nullptr) {
      error_code ignored;
      control->socket->cancel(ignored);
    }
  });
}

void disarm_session_deadline(asio::steady_timer& timer, SessionControl& control) {
  ++control.deadline_generation;
  timer.cancel();
}

asio::awaitable<std::pair<error_code, std::size_t>> write_slowly(
    beast::tcp_stream& stream, RequestBuffers& b, asio::steady_timer& timer,
    const std::shared_ptr<SessionControl>& control, std::chrono::seconds timeout,
    std::size_t written) {
  const std::string_view body = b.response.head ? std::string_view{} : b.response.body();
  if (!body.empty() && b.response.body_file >= 0) {
    arm_session_deadline(timer, control, std::chrono::steady_clock::now() + timeout);
    auto result =
        co_await send_with_file(stream.socket(), b.head, b.response.body_file, body.size());
    disarm_session_deadline(timer, *control);
    co_return result;
  }
  stream.expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(stream, after(parts_of(b), written),
                                            asio::as_tuple(asio::use_awaitable));
  co_return std::pair{ec, written + n};
}

asio::awaitable<void> linger_after_error(beast::tcp_stream& stream) {
  error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  std::array<char, 16384> sink;
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(1));
  while (drained < 4 * 1024 * 1024) {
    auto [ec, n] =
        co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      break;
    }
    drained += n;
  }
}

}  // namespace feedd::daemon
