#include "daemon/outbound/outbound_connection.h"

#include <sys/socket.h>

#include <cerrno>

namespace feedd::daemon {

void OutboundConnection::start_tls(boost::asio::ssl::context& tls) {
  Plain* stream = plain();
  if (stream == nullptr) {
    return;
  }
  Secure secure(std::move(*stream), tls);
  stream_.emplace<Secure>(std::move(secure));
}

OutboundConnection::Plain& OutboundConnection::lowest() {
  if (Plain* stream = plain()) {
    return *stream;
  }
  return boost::beast::get_lowest_layer(*secure());
}

bool OutboundConnection::looks_idle() {
  auto& socket = lowest().socket();
  if (!socket.is_open()) {
    return false;
  }
  char byte = 0;
  const auto got = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void OutboundConnection::close() { lowest().close(); }  // also cancels its deadline

}  // namespace feedd::daemon
