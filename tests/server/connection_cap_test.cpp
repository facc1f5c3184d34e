// The connection cap over real loopback sockets (server.threads = 2, max_connections 8,
// server.timeout_s far beyond any wait here, so no timeout frees a slot): a new client is
// served at once by closing the connection that has waited longest without a complete
// request (idle, or part of a head), and is refused with 503 when every connection is
// mid-response, which goes on uncut. Each waits for a positive signal (a gauge in /metrics,
// a readable socket); the bound on each wait only turns a hang into a failure.
#include <poll.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <vector>

#include "tests/server/loopback_server.h"
#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(connection_cap_test)

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kCap = 8;
constexpr std::string_view kGet = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";

LoopbackOptions cap_options(bool big = false) {
  return {.timeout_s = 120, .big = big, .threads = 2, .max_connections = kCap};
}

// The server's /metrics, rendered in process: asking over HTTP would take a connection.
std::string metrics_now(const LoopbackServer& server) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return server.metrics.render(*server.store->load(), now);
}

long long shed(const LoopbackServer& server, std::string_view reason) {
  return metric_sample(metrics_now(server),
                       "feedd_connections_shed_total{reason=\"" + std::string(reason) + "\"}");
}

bool gauge_reaches(const LoopbackServer& server, const std::string& gauge, long value) {
  return eventually([&] { return metric_sample(metrics_now(server), gauge) == value; }, 30s);
}

// True once `client`'s socket has bytes (or an end) to read, within `limit`.
bool readable_within(RawClient& client, std::chrono::milliseconds limit) {
  if (client.buffer.size() > 0) {
    return true;
  }
  pollfd fd{client.socket.native_handle(), POLLIN, 0};
  return ::poll(&fd, 1, static_cast<int>(limit.count())) == 1;
}

// GET /healthz on `client`; fails the test if no answer begins within 20 s (at the cap,
// the old accept loop left a new client in the backlog until server.timeout_s).
RawReply answer_to(RawClient& client) {
  client.send(kGet);
  BOOST_REQUIRE_MESSAGE(readable_within(client, 20s), "a new client got no answer at the cap");
  return client.read();
}

RawReply fresh_request(std::uint16_t port) {
  RawClient client(port);
  return answer_to(client);
}

// True when the server has closed `client`'s connection (end of stream or reset); reads
// nothing but the end (the clients here are owed no bytes).
bool closed_now(RawClient& client) {
  pollfd fd{client.socket.native_handle(), POLLIN, 0};
  if (::poll(&fd, 1, 0) != 1) {
    return false;
  }
  char byte = 0;
  boost::system::error_code ec;
  client.socket.read_some(boost::asio::buffer(&byte, 1), ec);
  return ec.failed();
}

std::vector<std::unique_ptr<RawClient>> connect_clients(std::uint16_t port, std::size_t n) {
  std::vector<std::unique_ptr<RawClient>> clients;
  for (std::size_t i = 0; i < n; ++i) {
    clients.push_back(std::make_unique<RawClient>(port));
  }
  return clients;
}

// Waits until `expected` of `clients` have been closed by the server (and checks that no
// more were); returns which.
std::vector<bool> closed_ones(std::vector<std::unique_ptr<RawClient>>& clients,
                              std::size_t expected) {
  std::vector<bool> closed(clients.size(), false);
  std::size_t count = 0;
  const bool enough = eventually([&] {
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (!closed[i] && closed_now(*clients[i])) {
        closed[i] = true;
        ++count;
      }
    }
    return count >= expected;
  });
  BOOST_REQUIRE_MESSAGE(enough, count << " connections shed, " << expected << " expected");
  BOOST_TEST(count == expected);
  return closed;
}

}  // namespace

BOOST_AUTO_TEST_CASE(new_connections_that_sent_nothing_are_shed_for_a_new_client) {
  LoopbackServer server(cap_options());
  BOOST_TEST(metric_sample(metrics_now(server), "feedd_connections_max") == long{kCap});
  auto idle = connect_clients(server.port, kCap);
  BOOST_REQUIRE(gauge_reaches(server, "feedd_connections_open", kCap));
  const RawReply reply = fresh_request(server.port);
  BOOST_TEST(reply.result_int() == 200);
  BOOST_TEST(reply.body() == "ok\n");
  BOOST_TEST(shed(server, "idle") == 1);
  BOOST_TEST(shed(server, "slow_head") == 0);
  BOOST_TEST(shed(server, "full") == 0);
  const auto closed = closed_ones(idle, 1);
  for (std::size_t i = 0; i < idle.size(); ++i) {  // the others were left alone
    if (!closed[i]) {
      BOOST_TEST(idle[i]->request(kGet).result_int() == 200, i);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_longest_idle_keep_alive_connection_is_shed_for_a_new_client) {
  LoopbackServer server(cap_options());
  auto kept = connect_clients(server.port, kCap);
  for (auto& client : kept) {  // each served once, then idle between requests
    BOOST_TEST(client->request(kGet).result_int() == 200);
  }
  RawClient first(server.port);  // both stay open: two more connections than the cap
  BOOST_TEST(answer_to(first).result_int() == 200);
  RawClient second(server.port);
  BOOST_TEST(answer_to(second).result_int() == 200);
  BOOST_TEST(shed(server, "idle") == 2);
  // The two served first have been idle longest (with two I/O threads, "first" within a few
  // microseconds is not certain, so the test counts rather than names them).
  const auto closed = closed_ones(kept, 2);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (!closed[i]) {
      BOOST_TEST(kept[i]->request(kGet).result_int() == 200, i);
    }
  }
}

BOOST_AUTO_TEST_CASE(connections_with_half_a_head_are_shed_for_a_new_client) {
  LoopbackServer server(cap_options());
  auto slow = connect_clients(server.port, kCap);
  for (auto& client : slow) {
    client->send("GET /en/atom.xml HTTP/1.1\r\nHost: t\r\n");  // no empty line yet
  }
  BOOST_REQUIRE(gauge_reaches(server, "feedd_connections_reading_head", kCap));
  BOOST_TEST(fresh_request(server.port).result_int() == 200);
  BOOST_TEST(shed(server, "slow_head") == 1);
  BOOST_TEST(shed(server, "idle") == 0);
  const auto closed = closed_ones(slow, 1);
  for (std::size_t i = 0; i < slow.size(); ++i) {  // the others finish their requests
    if (!closed[i]) {
      slow[i]->send("\r\n");
      BOOST_TEST(slow[i]->read().result_int() == 200, i);
    }
  }
  BOOST_TEST(gauge_reaches(server, "feedd_connections_reading_head", 0));
}

BOOST_AUTO_TEST_CASE(when_every_connection_is_mid_response_a_new_client_gets_503_at_once) {
  LoopbackServer server(cap_options(true));
  std::vector<std::unique_ptr<RawClient>> readers;
  for (std::size_t i = 0; i < kCap; ++i) {  // small windows: each response stalls in flight
    readers.push_back(std::make_unique<RawClient>(server.port, 4096));
    readers.back()->send("GET /en/feed.json HTTP/1.1\r\nHost: t\r\n\r\n");
  }
  for (auto& reader : readers) {
    BOOST_REQUIRE(readable_within(*reader, 30s));  // its response has begun
  }
  const RawReply refused = fresh_request(server.port);
  BOOST_TEST(refused.result_int() == 503);
  BOOST_TEST(field_of(refused, "Retry-After") == "1");
  BOOST_TEST(field_of(refused, "Connection") == "close");
  BOOST_TEST(shed(server, "full") == 1);
  BOOST_TEST(shed(server, "idle") == 0);
  BOOST_TEST(shed(server, "slow_head") == 0);
  for (auto& reader : readers) {  // no response in flight was cut
    const RawReply reply = reader->read();
    BOOST_TEST(reply.result_int() == 200);
    BOOST_TEST(reply.body().size() > 1'000'000u);
    BOOST_TEST(field_of(reply, "Content-Length") == std::to_string(reply.body().size()));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
