#include "tests/support/load_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <exception>

#include "tests/support/feedd_process.h"

namespace feedd::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

void run_client(std::uint16_t port, const std::vector<std::string>& requests,
                std::size_t per_connection, const std::atomic<bool>& stop,
                std::atomic<std::uint64_t>& answered, ClientLog& log) {
  asio::io_context io;
  std::size_t sent = 0;
  while (!stop.load()) {
    try {
      tcp::socket socket(io);
      socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
      ++log.connections;
      boost::beast::flat_buffer buffer;
      do {
        asio::write(socket, asio::buffer(requests[sent++ % requests.size()]));
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 << 20);
        http::read(socket, buffer, parser);
        auto reply = parser.release();
        auto etag = reply.find(http::field::etag);
        log.answers.push_back({static_cast<int>(reply.result_int()),
                               etag == reply.end() ? "" : std::string(etag->value()),
                               std::move(reply.body())});
        answered.fetch_add(1);
      } while (!stop.load() && (per_connection == 0 || sent % per_connection != 0));
    } catch (const std::exception& error) {
      log.errors.push_back(error.what());
      return;
    }
  }
}

std::string get_request(std::string_view target, std::string_view headers) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(headers) + "\r\n";
}

bool clients_answered_since(const std::atomic<std::uint64_t>& answered, std::uint64_t from) {
  return eventually([&] { return answered.load() > from; }, 30s);
}

}  // namespace feedd::testing
