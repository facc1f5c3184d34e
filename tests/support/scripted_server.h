// A scripted HTTP server on 127.0.0.1 port 0 for tests of feedd's outgoing requests (a
// WebSub subscriber, an external hub, a cache): one thread per connection, each request
// recorded and answered as the test's handler says: a response, or no answer at all (hang),
// or a response trickled one byte at a time. Each connection carries one request (answered
// with Connection: close) or, in the other Connections modes, keeps serving or closes in the
// ways a keep-alive server may. Header-only; thread-safe; stop() (or the destructor) closes
// everything and joins. Waits are bounded waits for positive signals.
#pragma once

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace feedd::testing {

struct ScriptedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(std::string_view name) const {
    for (const auto& [field, value] : headers) {
      if (field.size() == name.size() &&
          std::equal(field.begin(), field.end(), name.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        return value;
      }
    }
    return "<absent>";
  }
};

struct ScriptedReply {
  enum class Kind { respond, hang, trickle };
  Kind kind = Kind::respond;
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static ScriptedReply of(unsigned status, std::string body = {},
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
    return {Kind::respond, status, std::move(body), std::move(headers)};
  }
  static ScriptedReply hang() { return {Kind::hang, 0, {}, {}}; }
  static ScriptedReply trickle() { return {Kind::trickle, 0, {}, {}}; }
};

class ScriptedServer {
 public:
  using Handler = std::function<ScriptedReply(const ScriptedRequest&)>;
  enum class Connections {
    close_each,    // one request per connection, answered with Connection: close
    keep_alive,    // HTTP/1.1 keep-alive: requests served until the client closes
    silent_close,  // answered as keep-alive, then the socket is closed at once
    drop_next,     // answered as keep-alive; the next request is read, not recorded, and
                   // the connection closed without an answer (a keep-alive timeout's race)
  };

  explicit ScriptedServer(Handler handler = {}, Connections mode = Connections::close_each)
      : handler_(std::move(handler)), mode_(mode) {
    acceptor_.open(boost::asio::ip::tcp::v4());
    acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accepter_ = std::thread([this] { accept_loop(); });
  }
  ~ScriptedServer() { stop(); }

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  void set_handler(Handler handler) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }
  // Waits (at most `limit`) until `count` requests were recorded; true if they were.
  bool wait_for(std::size_t count, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return requests_.size() >= count; });
  }
  std::vector<ScriptedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
  }
  // Waits (at most `limit`) until the client closed `count` connections after at least one
  // answered request (keep_alive mode); true if it did.
  bool wait_for_client_closes(std::size_t count,
                              std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return client_closes_ >= count; });
  }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) {
        return;
      }
      stopped_ = true;
      for (auto& socket : sockets_) {
        ::shutdown(socket.native_handle(), SHUT_RDWR);
      }
    }
    changed_.notify_all();
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    accepter_.join();
    for (auto& worker : workers_) {
      worker.join();
    }
  }

 private:
  void accept_loop() {
    while (true) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      std::lock_guard lock(mutex_);
      if (ec || stopped_) {
        return;
      }
      ++connections_;
      auto& kept = sockets_.emplace_back(std::move(socket));  // open until stop: no fd reuse
      workers_.emplace_back([this, &kept] { serve(kept); });
    }
  }

  void serve(boost::asio::ip::tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    for (bool first = true;; first = false) {
      boost::system::error_code ec;
      auto request = read_request(socket, buffer, ec);
      if (ec) {  // not HTTP (a TLS ClientHello, say), or the client is done: hang up
        if (!first && ec == boost::beast::http::error::end_of_stream) {
          std::lock_guard lock(mutex_);
          ++client_closes_;
        }
        changed_.notify_all();
        socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        return;
      }
      if (!first && mode_ == Connections::drop_next) {
        socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        return;
      }
      Handler handler;
      {
        std::lock_guard lock(mutex_);
        handler = handler_;
      }
      const ScriptedReply reply = handler ? handler(request) : ScriptedReply{};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      changed_.notify_all();
      answer(socket, reply);
      if (mode_ == Connections::close_each || mode_ == Connections::silent_close) {
        return;
      }
    }
  }

  static ScriptedRequest read_request(boost::asio::ip::tcp::socket& socket,
                                      boost::beast::flat_buffer& buffer,
                                      boost::system::error_code& ec) {
    namespace http = boost::beast::http;
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(socket, buffer, parser, ec);
    if (ec) {
      return {};
    }
    auto message = parser.release();
    ScriptedRequest request{
        std::string(message.method_string()), std::string(message.target()), {}, message.body()};
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return request;
  }

  void answer(boost::asio::ip::tcp::socket& socket, const ScriptedReply& reply) {
    namespace http = boost::beast::http;
    boost::system::error_code ec;
    if (reply.kind == ScriptedReply::Kind::hang) {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopped_; });
      return;
    }
    if (reply.kind == ScriptedReply::Kind::trickle) {
      const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n";
      boost::asio::write(socket, boost::asio::buffer(head), ec);
      std::unique_lock lock(mutex_);
      while (!ec &&
             !changed_.wait_for(lock, std::chrono::milliseconds(50), [&] { return stopped_; })) {
        boost::asio::write(socket, boost::asio::buffer("x", 1), ec);
      }
      return;
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
    for (const auto& [name, value] : reply.headers) {
      response.insert(name, value);
    }
    response.body() = reply.body;
    response.prepare_payload();
    response.keep_alive(mode_ != Connections::close_each);
    http::write(socket, response, ec);
    if (mode_ == Connections::close_each) {
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    } else if (mode_ == Connections::silent_close) {
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::thread accepter_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Handler handler_;  // guarded by mutex_
  const Connections mode_;
  std::size_t client_closes_ = 0;                    // guarded by mutex_
  std::vector<ScriptedRequest> requests_;            // guarded by mutex_
  std::size_t connections_ = 0;                      // guarded by mutex_
  std::list<boost::asio::ip::tcp::socket> sockets_;  // guarded by mutex_
  std::list<std::thread> workers_;                   // guarded by mutex_ until stop
  bool stopped_ = false;                             // guarded by mutex_
};

}  // namespace feedd::testing
