// Abuse of the in-process server over real sockets: a pipelined flood then a half-close, and
// a client that never reads a multi-MB response. Each waits for a positive signal: a
// response, a counter in /metrics. (Running out of descriptors needs a process of its own:
// tests/integration/descriptor_exhaustion_test.cpp.)
#include <boost/test/unit_test.hpp>

#include "tests/server/loopback_server.h"
#include "tests/support/feedd_process.h"

namespace feedd::testing {

using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(http_abuse_test)

BOOST_AUTO_TEST_CASE(a_hundred_pipelined_requests_then_a_half_close_get_a_hundred_answers) {
  LoopbackServer server;
  RawClient client(server.port);
  const std::vector<std::string> targets = {"/healthz", "/en/atom.xml", "/missing", "/ja/",
                                            "/feed.css"};
  std::string batch;
  for (int i = 0; i < 100; ++i) {
    batch += "GET " + targets[i % targets.size()] + "?n=" + std::to_string(i) +
             " HTTP/1.1\r\nHost: t\r\n\r\n";
  }
  client.send(batch);
  client.socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send);  // no more requests
  for (int i = 0; i < 100; ++i) {
    const RawReply reply = client.read();
    const std::string& target = targets[i % targets.size()];
    const std::string type = field_of(reply, "Content-Type");
    if (target == "/healthz") {
      BOOST_TEST(reply.body() == "ok\n", i);
    } else if (target == "/missing") {
      BOOST_TEST(reply.result_int() == 404, i);
    } else if (target == "/en/atom.xml") {
      BOOST_TEST(type.starts_with("application/atom+xml"), i);
    } else if (target == "/ja/") {
      BOOST_TEST(type.starts_with("text/html"), i);
    } else {
      BOOST_TEST(type.starts_with("text/css"), i);
    }
  }
  BOOST_TEST(client.buffer.size() == 0u);  // exactly 100 responses
  BOOST_TEST(client.ends_cleanly());       // then FIN, not a reset
}

BOOST_AUTO_TEST_CASE(a_client_that_never_reads_holds_up_nobody_and_is_dropped) {
  LoopbackServer server({.timeout_s = 3, .big = true, .threads = 1});
  RawClient stuck(server.port, 4096);  // a small window: the server's writes stall at once
  stuck.send("GET /en/feed.json HTTP/1.1\r\nHost: t\r\n\r\n");
  pollfd ready{stuck.socket.native_handle(), POLLIN, 0};
  BOOST_REQUIRE(::poll(&ready, 1, 10000) == 1);  // the response has begun
  // One I/O thread: every other client is served while that write waits.
  for (int i = 0; i < 5; ++i) {
    RawClient other(server.port);
    BOOST_TEST(other.request("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").result_int() == 200);
    BOOST_TEST(other.request("GET /en/ HTTP/1.1\r\nHost: t\r\n\r\n").result_int() == 200);
  }
  BOOST_TEST(requests_counted(metrics_of(server.port), "feed", "200") == 0,
             "the big response ended before the other clients were served");
  // After server.timeout_s the server gives up on it (counted when its write ends)...
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return requests_counted(metrics_of(server.port), "feed", "200") == 1; },
                 30s),
      metrics_of(server.port));
  // ...and the client, reading at last, finds the response cut short.
  std::string received;
  boost::system::error_code ec;
  char bytes[65536];
  while (!ec) {
    received.append(bytes, stuck.socket.read_some(boost::asio::buffer(bytes), ec));
  }
  const auto length_at = received.find("Content-Length: ");
  BOOST_REQUIRE(length_at != std::string::npos);
  const std::size_t length = std::stoul(received.substr(length_at + 16));
  BOOST_TEST(length > 2'000'000u);
  BOOST_TEST(received.size() < length);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
