// HttpClient and its policies against scripted servers on loopback: methods, headers and
// bodies on the wire; SSRF refusal before any connection; deadlines against a server that
// never answers and one that trickles; the response size cap; redirects returned, not
// followed; a stuck host does not hold up another; TLS is really spoken for https: a
// handshake with a server whose certificate the client trusts succeeds, one with an untrusted
// certificate or another host's name fails. Queued requests run in order within the per-host
// and total limits; a stalled request gives its host's slot to the next one, and suspect
// requests keep to their own lane; the outbound thread is named and runs at a lower priority.
// Connections are kept and reused (plain and TLS) within the limits, closed when idle too long,
// never used past the SSRF check, and servers that close them still get every request once.
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "daemon/outbound/address_policy.h"
#include "daemon/outbound/outbound_error.h"
#include "daemon/outbound/outbound_service.h"
#include "daemon/outbound/outbound_url.h"
#include "tests/support/scripted_server.h"
#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(http_client_test)

namespace {

using testing::ScriptedReply;
using testing::ScriptedRequest;
using testing::ScriptedServer;
using Kind = ScriptedReply::Kind;
namespace http = boost::beast::http;

ClientOptions quick_options() {
  ClientOptions options;
  // Generous where no test waits for the deadline: a loaded CI machine (a sanitizer tree
  // compiling beside the tests) can take over 2 s to connect on loopback.
  options.resolve_connect_timeout = std::chrono::milliseconds(10000);
  options.write_timeout = std::chrono::milliseconds(10000);
  options.read_timeout = std::chrono::milliseconds(300);
  options.max_response_bytes = 1 << 20;
  options.stall_after = std::chrono::milliseconds(0);  // no request moves unless a test asks
  return options;
}

OutboundRequest local(http::verb method, std::string url) {
  OutboundRequest request;
  request.method = method;
  request.url = std::move(url);
  request.allow_private = true;  // the test servers are on loopback
  return request;
}

std::future<OutboundResult> send(HttpClient& client, OutboundRequest request) {
  auto promise = std::make_shared<std::promise<OutboundResult>>();
  auto future = promise->get_future();
  client.send(std::move(request),
              [promise](OutboundResult result) { promise->set_value(std::move(result)); });
  return future;
}

OutboundResult send_and_wait(HttpClient& client, OutboundRequest request) {
  auto future = send(client, std::move(request));
  BOOST_REQUIRE(future.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  return future.get();
}

bool private_address(const char* text) {
  return is_private_destination(boost::asio::ip::make_address(text));
}

// A self-signed certificate for "localhost" (not 127.0.0.1), made by the openssl command.
struct TestCertificate {
  testing::TempDir dir;
  std::filesystem::path cert = dir / "cert.pem";
  std::filesystem::path key = dir / "key.pem";

  TestCertificate() {
    const auto made = testing::run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048",
                                            "-nodes", "-days", "1", "-subj", "/CN=localhost",
                                            "-addext", "subjectAltName=DNS:localhost", "-keyout",
                                            key.string(), "-out", cert.string()});
    BOOST_REQUIRE_MESSAGE(made.exit_status == 0, made.output);
  }
};

// Answers each TLS connection on 127.0.0.1 with one fixed 200 response (Connection: close),
// or with `keep_alive` every request until the client closes, on its own thread, one
// connection after the other. Connections whose handshake fails are counted and closed.
class TlsServer {
 public:
  explicit TlsServer(const TestCertificate& certificate, bool keep_alive = false)
      : keep_alive_(keep_alive) {
    tls_.use_certificate_chain_file(certificate.cert.string());
    tls_.use_private_key_file(certificate.key.string(), boost::asio::ssl::context::pem);
    acceptor_.open(boost::asio::ip::tcp::v4());
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() { stop(); }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  std::uint16_t port() const { return port_; }

  // Ends the thread (woken by one last connection: a blocked accept() ignores close()).
  void stop() {
    if (!thread_.joinable()) {
      return;
    }
    stopping_ = true;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket wake(io);
    wake.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    thread_.join();
  }
  // Handshakes the server saw fail, connections it accepted; exact once stop() has returned.
  int failed_handshakes() const { return failed_handshakes_; }
  int accepted() const { return accepted_; }

 private:
  void serve() {
    for (;;) {
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(io_, tls_);
      boost::system::error_code ec;
      acceptor_.accept(stream.lowest_layer(), ec);
      if (ec || stopping_) {
        return;
      }
      ++accepted_;
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      if (ec) {
        ++failed_handshakes_;
        continue;
      }
      boost::asio::streambuf request;
      const std::string reply = keep_alive_ ? "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret"
                                            : "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n"
                                              "Connection: close\r\n\r\nsecret";
      do {  // GETs without a body, one at a time
        const std::size_t head = boost::asio::read_until(stream, request, "\r\n\r\n", ec);
        request.consume(head);
        if (!ec) {
          boost::asio::write(stream, boost::asio::buffer(reply), ec);
        }
      } while (keep_alive_ && !ec);
      stream.shutdown(ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_server};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> failed_handshakes_ = 0;
  std::atomic<int> accepted_ = 0;
  const bool keep_alive_;
  std::thread thread_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(private_ranges_are_recognised) {
  for (const char* text :
       {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
        "fd12::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1"}) {
    BOOST_TEST(private_address(text), text);
  }
  for (const char* text : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:db8::1",
                           "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    BOOST_TEST(!private_address(text), text);
  }
}

BOOST_AUTO_TEST_CASE(urls_are_taken_apart_or_refused) {
  const auto url = parse_outbound_url("https://[::1]:8443/a%20b/c?x=1&y=%2F#frag");
  BOOST_TEST_REQUIRE(url.has_value());
  BOOST_TEST(url->tls);
  BOOST_TEST(url->host == "::1");
  BOOST_TEST(url->port == "8443");
  BOOST_TEST(url->target == "/a%20b/c?x=1&y=%2F");
  BOOST_TEST(url->host_header == "[::1]:8443");
  const auto plain = parse_outbound_url("http://Example.org");
  BOOST_TEST_REQUIRE(plain.has_value());
  BOOST_TEST(plain->port == "80");
  BOOST_TEST(plain->target == "/");
  for (const char* bad : {"ftp://example.org/", "http://user@example.org/", "/relative",
                          "http:///nohost", "http://example.org:0/", "mailto:a@b", ""}) {
    BOOST_TEST(parse_outbound_url(bad).error() == make_error_code(OutboundError::bad_url), bad);
  }
}

BOOST_AUTO_TEST_CASE(methods_headers_and_bodies_reach_the_server) {
  ScriptedServer server([](const ScriptedRequest& request) {
    return ScriptedReply::of(request.method == "POST" ? 202u : 200u, "got " + request.method,
                             {{"X-Answer", "yes"}});
  });
  OutboundService service(quick_options());
  auto post = local(http::verb::post, server.url("/hub?x=1"));
  post.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  post.body = "hub.mode=publish&hub.url=x";
  const auto posted = send_and_wait(service.client(), post);
  BOOST_TEST_REQUIRE(posted.has_value(), posted.error().message());
  BOOST_TEST(posted->status == 202u);
  BOOST_TEST(posted->body == "got POST");
  BOOST_TEST(posted->header("x-answer") == "yes");
  const auto purged =
      send_and_wait(service.client(), local(http::verb::purge, server.url("/en/atom.xml")));
  BOOST_TEST_REQUIRE(purged.has_value());
  BOOST_TEST(purged->body == "got PURGE");
  const auto got = send_and_wait(service.client(), local(http::verb::get, server.url()));
  BOOST_TEST_REQUIRE(got.has_value());
  const auto seen = server.requests();
  BOOST_TEST_REQUIRE(seen.size() == 3u);
  BOOST_TEST(seen[0].target == "/hub?x=1");
  BOOST_TEST(seen[0].body == "hub.mode=publish&hub.url=x");
  BOOST_TEST(seen[0].header("Content-Type") == "application/x-www-form-urlencoded");
  BOOST_TEST(seen[0].header("Host") == "127.0.0.1:" + std::to_string(server.port()));
  BOOST_TEST(seen[1].method == "PURGE");
  BOOST_TEST(seen[1].target == "/en/atom.xml");
  BOOST_TEST(seen[2].method == "GET");
  BOOST_TEST(service.client().stats().sent == 3u);
}

BOOST_AUTO_TEST_CASE(private_destinations_are_refused_before_connecting) {
  ScriptedServer server;
  OutboundService service(quick_options());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    auto request =
        local(http::verb::get, "http://" + host + ":" + std::to_string(server.port()) + "/");
    request.allow_private = false;
    const auto result = send_and_wait(service.client(), request);
    BOOST_TEST(result.error() == make_error_code(OutboundError::forbidden_address), host);
  }
  BOOST_TEST(server.connections() == 0u);
  BOOST_TEST(service.client().stats().refused == 2u);
}

BOOST_AUTO_TEST_CASE(redirects_are_returned_not_followed) {
  ScriptedServer server([](const ScriptedRequest&) {
    return ScriptedReply::of(302, "", {{"Location", "http://127.0.0.1:1/elsewhere"}});
  });
  OutboundService service(quick_options());
  const auto result = send_and_wait(service.client(), local(http::verb::get, server.url()));
  BOOST_TEST_REQUIRE(result.has_value());
  BOOST_TEST(result->status == 302u);
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(deadlines_and_size_cap_end_bad_responses) {
  ScriptedServer server([](const ScriptedRequest& request) {
    if (request.target == "/hang") {
      return ScriptedReply::hang();
    }
    if (request.target == "/trickle") {
      return ScriptedReply::trickle();
    }
    return ScriptedReply::of(200, std::string((1 << 20) + 1, 'x'));
  });
  OutboundService service(quick_options());
  const auto hung = send_and_wait(service.client(), local(http::verb::get, server.url("/hang")));
  BOOST_TEST(hung.error() == make_error_code(OutboundError::timed_out));
  const auto trickled =
      send_and_wait(service.client(), local(http::verb::get, server.url("/trickle")));
  BOOST_TEST(trickled.error() == make_error_code(OutboundError::timed_out));
  // A body over the cap: the status stands (a delivery answered 200 was delivered), the body
  // is dropped.
  const auto big = send_and_wait(service.client(), local(http::verb::get, server.url("/big")));
  BOOST_TEST_REQUIRE(big.has_value());
  BOOST_TEST(big->status == 200u);
  BOOST_TEST(big->body.empty());
  BOOST_TEST(service.client().stats().failed == 2u);
}

// One host that never answers fills its share (max_per_host = 1: the second request waits
// in the queue); another host is served meanwhile.
BOOST_AUTO_TEST_CASE(a_stuck_host_does_not_hold_up_another) {
  ScriptedServer stuck([](const ScriptedRequest&) { return ScriptedReply::hang(); });
  ScriptedServer healthy;
  auto options = quick_options();
  options.read_timeout = std::chrono::seconds(30);
  options.max_per_host = 1;
  OutboundService service(options);
  auto first = send(service.client(), local(http::verb::post, stuck.url("/1")));
  auto second = send(service.client(), local(http::verb::post, stuck.url("/2")));
  BOOST_TEST_REQUIRE(stuck.wait_for(1));
  const auto served = send_and_wait(service.client(), local(http::verb::get, healthy.url()));
  BOOST_TEST_REQUIRE(served.has_value());
  BOOST_TEST(served->status == 200u);
  BOOST_TEST(service.client().stats().queued == 1u);  // the second stuck one, not sent
  BOOST_TEST(stuck.connections() == 1u);
  service.stop();  // aborts the hung request
}

// Answers /ok at once, every other path never.
ScriptedReply ok_or_hang(const ScriptedRequest& request) {
  return request.target == "/ok" ? ScriptedReply::of(200, "ok") : ScriptedReply::hang();
}

// Four slots per host, one suspect; a request moves after 200 ms; no deadline is reached.
ClientOptions stalling_options() {
  auto options = quick_options();
  options.read_timeout = std::chrono::seconds(60);
  options.max_per_host = 4;
  options.max_suspect_per_host = 1;
  options.stall_after = std::chrono::milliseconds(200);
  return options;
}

// Four requests to a host that never answers fill its four slots; the fifth, to a path on
// the same host that answers at once, starts when the first stuck one has waited stall_after
// and moved to the suspect lane (which has room for one), long before any deadline.
BOOST_AUTO_TEST_CASE(a_stalled_request_gives_its_slot_to_the_next_one_on_its_host) {
  ScriptedServer server(ok_or_hang);
  OutboundService service(stalling_options());
  std::vector<std::future<OutboundResult>> stuck;
  for (int i = 0; i < 4; ++i) {
    stuck.push_back(
        send(service.client(), local(http::verb::post, server.url("/hang" + std::to_string(i)))));
  }
  BOOST_TEST_REQUIRE(server.wait_for(4));
  const auto served = send_and_wait(service.client(), local(http::verb::get, server.url("/ok")));
  BOOST_TEST_REQUIRE(served.has_value());
  BOOST_TEST(served->status == 200u);
  for (auto& request : stuck) {  // none ended: the answer did not wait for a deadline
    BOOST_TEST((request.wait_for(std::chrono::seconds(0)) == std::future_status::timeout));
  }
  const auto stats = service.client().stats();
  BOOST_TEST(stats.stalled == 1u);  // the suspect lane holds one per host
  BOOST_TEST(stats.running_suspect == 1u);
  BOOST_TEST(stats.running == 4u);
  service.stop();
}

// Stalled requests that find the suspect lane full move, oldest first, as soon as it has room:
// when the moved request (held at the server by a gate) ends, the next stalled one moves.
BOOST_AUTO_TEST_CASE(a_stalled_request_moves_when_the_suspect_lane_has_room) {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  ScriptedServer server([&](const ScriptedRequest& request) {
    if (request.target != "/gate") {
      return ScriptedReply::hang();
    }
    std::unique_lock lock(mutex);
    changed.wait_for(lock, std::chrono::seconds(20), [&] { return open; });
    return ScriptedReply::of(200, "ok");
  });
  const auto open_gate = [&] {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    changed.notify_all();
  };
  struct OpenAtEnd {  // a failing check must not leave the handler waiting
    std::function<void()> open;
    ~OpenAtEnd() { open(); }
  } open_at_end{open_gate};
  OutboundService service(stalling_options());
  auto gated = send(service.client(), local(http::verb::post, server.url("/gate")));
  std::vector<std::future<OutboundResult>> stuck;
  for (int i = 0; i < 3; ++i) {
    stuck.push_back(
        send(service.client(), local(http::verb::post, server.url("/hang" + std::to_string(i)))));
  }
  const auto stalled_reaches = [&](std::uint64_t count) {
    for (int i = 0; i < 400 && service.client().stats().stalled < count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return service.client().stats().stalled >= count;
  };
  BOOST_TEST_REQUIRE(stalled_reaches(1));  // the oldest, /gate, took the suspect slot
  open_gate();
  BOOST_TEST_REQUIRE((gated.wait_for(std::chrono::seconds(20)) == std::future_status::ready));
  BOOST_TEST(gated.get().has_value());
  BOOST_TEST(stalled_reaches(2));  // a stalled /hang took the slot /gate left
  BOOST_TEST(service.client().stats().running_suspect == 1u);
  service.stop();
}

// Suspect requests (destinations that failed before) run in their own lane, one at a time
// per host here, and never take the slot of a request that is not suspect.
BOOST_AUTO_TEST_CASE(suspect_requests_never_take_the_slots_of_others) {
  ScriptedServer server(ok_or_hang);
  auto options = quick_options();
  options.read_timeout = std::chrono::seconds(60);
  options.max_per_host = 1;
  options.max_suspect_per_host = 1;
  options.stall_after = std::chrono::milliseconds(0);  // never moved: only the lanes count
  OutboundService service(options);
  std::vector<std::future<OutboundResult>> stuck;
  for (int i = 0; i < 3; ++i) {
    auto request = local(http::verb::post, server.url("/dead" + std::to_string(i)));
    request.suspect = true;
    stuck.push_back(send(service.client(), std::move(request)));
  }
  BOOST_TEST_REQUIRE(server.wait_for(1));
  for (int round = 0; round < 3; ++round) {  // the lane stays free for each in turn
    const auto served = send_and_wait(service.client(), local(http::verb::get, server.url("/ok")));
    BOOST_TEST_REQUIRE(served.has_value());
    BOOST_TEST(served->status == 200u);
  }
  const auto stats = service.client().stats();
  BOOST_TEST(stats.running_suspect == 1u);
  BOOST_TEST(stats.suspect == 1u);
  BOOST_TEST(stats.queued == 2u);  // the other suspect ones wait for the first
  BOOST_TEST(stats.stalled == 0u);
  const auto seen = server.requests();
  BOOST_TEST_REQUIRE(seen.size() == 4u);
  BOOST_TEST(seen[0].target == "/dead0");
  for (auto& request : stuck) {
    BOOST_TEST((request.wait_for(std::chrono::seconds(0)) == std::future_status::timeout));
  }
  service.stop();
}

// Many queued requests over two hosts, one at a time per host and two in all: every one is
// answered, each host sees its requests in the order they were sent, and nothing is left
// running or queued (the per-host queues and the ready set give every slot back).
BOOST_AUTO_TEST_CASE(queued_requests_run_in_order_within_the_limits) {
  ScriptedServer first;
  ScriptedServer second;
  auto options = quick_options();
  options.max_per_host = 1;
  options.max_total = 2;
  OutboundService service(options);
  std::vector<std::future<OutboundResult>> answers;
  constexpr int kEach = 20;
  for (int i = 0; i < kEach; ++i) {
    for (ScriptedServer* server : {&first, &second}) {
      answers.push_back(
          send(service.client(), local(http::verb::post, server->url("/" + std::to_string(i)))));
    }
  }
  for (auto& answer : answers) {
    BOOST_TEST_REQUIRE((answer.wait_for(std::chrono::seconds(20)) == std::future_status::ready));
    const auto result = answer.get();
    BOOST_TEST_REQUIRE(result.has_value(), result.error().message());
    BOOST_TEST(result->status == 200u);
  }
  for (ScriptedServer* server : {&first, &second}) {
    const auto seen = server->requests();
    BOOST_TEST_REQUIRE(seen.size() == static_cast<std::size_t>(kEach));
    for (int i = 0; i < kEach; ++i) {
      BOOST_TEST(seen[static_cast<std::size_t>(i)].target == "/" + std::to_string(i));
    }
  }
  const auto stats = service.client().stats();
  BOOST_TEST(stats.sent == 2u * kEach);
  BOOST_TEST(stats.running == 0u);
  BOOST_TEST(stats.queued == 0u);
}

// Requests to one host share connections: one after the other they all go over one, and
// many at once over at most max_per_host, without asking for Connection: close. A kept
// connection still goes only where the request may go (the SSRF check runs per request),
// and a client that keeps connections briefly closes its idle one by itself.
BOOST_AUTO_TEST_CASE(connections_to_a_host_are_kept_and_reused) {
  ScriptedServer server({}, ScriptedServer::Connections::keep_alive);
  auto options = quick_options();
  options.idle_timeout = std::chrono::seconds(60);  // no step below waits for it
  OutboundService service(options);
  constexpr std::size_t kInTurn = 5;
  for (std::size_t i = 0; i < kInTurn; ++i) {
    const auto result = send_and_wait(
        service.client(), local(http::verb::post, server.url("/turn/" + std::to_string(i))));
    BOOST_TEST_REQUIRE(result.has_value(), result.error().message());
  }
  BOOST_TEST(server.connections() == 1u);
  constexpr std::size_t kAtOnce = 40;
  std::vector<std::future<OutboundResult>> answers;
  for (std::size_t i = 0; i < kAtOnce; ++i) {
    answers.push_back(
        send(service.client(), local(http::verb::post, server.url("/once/" + std::to_string(i)))));
  }
  for (auto& answer : answers) {
    BOOST_TEST_REQUIRE((answer.wait_for(std::chrono::seconds(20)) == std::future_status::ready));
    const auto result = answer.get();
    BOOST_TEST_REQUIRE(result.has_value(), result.error().message());
    BOOST_TEST(result->status == 200u);
  }
  const auto seen = server.requests();
  BOOST_TEST_REQUIRE(seen.size() == kInTurn + kAtOnce);
  BOOST_TEST(seen[0].header("Connection") == "<absent>");
  const std::size_t connections = server.connections();
  BOOST_TEST(connections <= options.max_per_host);
  auto stats = service.client().stats();
  BOOST_TEST(stats.opened == connections);
  BOOST_TEST(stats.reused == kInTurn + kAtOnce - connections);
  BOOST_TEST(stats.retried == 0u);
  BOOST_TEST(stats.idle == connections);  // each went back to the pool before its callback

  auto refused = local(http::verb::get, server.url("/refused"));
  refused.allow_private = false;
  const auto result = send_and_wait(service.client(), refused);
  BOOST_TEST(result.error() == make_error_code(OutboundError::forbidden_address));
  BOOST_TEST(server.requests().size() == kInTurn + kAtOnce);

  auto brief = quick_options();
  brief.idle_timeout = std::chrono::milliseconds(50);
  OutboundService briefly(brief);
  BOOST_TEST_REQUIRE(
      send_and_wait(briefly.client(), local(http::verb::get, server.url("/brief"))).has_value());
  BOOST_TEST_REQUIRE(server.wait_for_client_closes(1));  // only the brief client's timer closes
  BOOST_TEST(briefly.client().stats().idle == 0u);
  BOOST_TEST(service.client().stats().idle == connections);
}

// Servers that do not keep connections: every request is answered exactly once. Connection:
// close is honoured (nothing more is sent on that connection); a kept connection the server
// closes right after answering, or while the next request arrives, costs that request one
// resend on a new connection, never a lost or doubled one.
BOOST_AUTO_TEST_CASE(servers_that_close_connections_get_every_request_once) {
  using Connections = ScriptedServer::Connections;
  ScriptedServer closing({}, Connections::close_each);
  ScriptedServer silent({}, Connections::silent_close);
  ScriptedServer dropping({}, Connections::drop_next);
  auto options = quick_options();
  options.idle_timeout = std::chrono::seconds(60);
  OutboundService service(options);
  constexpr std::size_t kEach = 8;
  for (std::size_t i = 0; i < kEach; ++i) {
    for (ScriptedServer* server : {&closing, &silent, &dropping}) {
      const auto result = send_and_wait(
          service.client(), local(http::verb::post, server->url("/" + std::to_string(i))));
      BOOST_TEST_REQUIRE(result.has_value(), result.error().message());
      BOOST_TEST(result->status == 200u);
    }
  }
  for (ScriptedServer* server : {&closing, &silent, &dropping}) {
    const auto seen = server->requests();
    BOOST_TEST_REQUIRE(seen.size() == kEach);
    for (std::size_t i = 0; i < kEach; ++i) {
      BOOST_TEST(seen[i].target == "/" + std::to_string(i));
    }
    BOOST_TEST(server->connections() == kEach);  // one new connection per request
  }
  const auto stats = service.client().stats();
  BOOST_TEST(stats.sent == 3u * kEach);
  BOOST_TEST(stats.opened == 3u * kEach);
  // Every request but the first to `dropping` was resent; `silent`'s were resent when its
  // close had not arrived yet when the next request took the connection; `closing`'s never.
  BOOST_TEST(stats.retried >= kEach - 1u);
  BOOST_TEST(stats.retried <= 2u * (kEach - 1u));
}

// Outgoing work yields the CPU to serving: the outbound thread is named (for top -H, perf,
// /proc) and runs kOutboundNiceIncrement nicer than the thread that started it.
BOOST_AUTO_TEST_CASE(the_outbound_thread_is_named_and_nicer) {
  const int ours = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  OutboundService service(quick_options());
  std::promise<std::pair<int, std::string>> seen;
  boost::asio::post(service.context(), [&seen] {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    seen.set_value({getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), name});
  });
  auto future = seen.get_future();
  BOOST_TEST_REQUIRE((future.wait_for(std::chrono::seconds(20)) == std::future_status::ready));
  const auto [nice, name] = future.get();
  BOOST_TEST(name == "feedd-outbound");
  BOOST_TEST(nice == std::min(ours + kOutboundNiceIncrement, 19));
  BOOST_TEST(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())) == ours);  // ours unchanged
}

BOOST_AUTO_TEST_CASE(https_speaks_tls) {
  ScriptedServer plain;  // answers the ClientHello by closing: not a TLS server
  OutboundService service(quick_options());
  auto request = local(http::verb::get, "https://127.0.0.1:" + std::to_string(plain.port()) + "/");
  const auto result = send_and_wait(service.client(), request);
  BOOST_TEST(result.error() == make_error_code(OutboundError::tls_failed));
  BOOST_TEST(plain.connections() == 1u);
}

BOOST_AUTO_TEST_CASE(https_succeeds_only_with_a_trusted_certificate_for_the_host) {
  const TestCertificate certificate;
  TlsServer server(certificate);
  const std::string port = std::to_string(server.port());

  auto trusting = quick_options();
  trusting.ca_file = certificate.cert.string();
  {
    OutboundService service(trusting);
    const auto result =
        send_and_wait(service.client(), local(http::verb::get, "https://localhost:" + port + "/"));
    BOOST_REQUIRE_MESSAGE(result.has_value(), result.error().message());
    BOOST_TEST(result->status == 200u);
    BOOST_TEST(result->body == "secret");
    // The certificate names localhost, not 127.0.0.1: the host-name check refuses it.
    const auto wrong_name =
        send_and_wait(service.client(), local(http::verb::get, "https://127.0.0.1:" + port + "/"));
    BOOST_TEST(wrong_name.error() == make_error_code(OutboundError::tls_failed));
    service.stop();
  }
  {
    OutboundService service(quick_options());  // the system CA store does not know the test CA
    const auto untrusted =
        send_and_wait(service.client(), local(http::verb::get, "https://localhost:" + port + "/"));
    BOOST_TEST(untrusted.error() == make_error_code(OutboundError::tls_failed));
    service.stop();
  }
  {  // a TLS connection is kept too: three requests, one connection and handshake
    TlsServer keeping(certificate, true);
    {
      OutboundService service(trusting);
      for (int i = 0; i < 3; ++i) {
        const auto result = send_and_wait(
            service.client(),
            local(http::verb::get, "https://localhost:" + std::to_string(keeping.port()) + "/"));
        BOOST_REQUIRE_MESSAGE(result.has_value(), result.error().message());
        BOOST_TEST(result->body == "secret");
      }
    }  // gone with the service: the kept connection, so the server goes back to accept()
    keeping.stop();
    BOOST_TEST(keeping.accepted() == 1);
  }
  server.stop();
  BOOST_TEST(server.failed_handshakes() == 2);  // both refusals were the client's doing
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
