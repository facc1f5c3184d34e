// The HTTP server end to end, in process on 127.0.0.1 port 0: conditional GET over real
// sockets (Beast client and curl), HEAD, keep-alive, pipelining, every limit, slow clients,
// and python3-feedparser's etag/modified round trip.
#include <poll.h>

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "daemon/config.h"
#include "daemon/http/http_server.h"
#include "daemon/http/http_session.h"
#include "daemon/http/idle_sweeper.h"
#include "daemon/http/snapshot_store.h"
#include "daemon/log.h"
#include "daemon/pipeline/snapshot_builder.h"
#include "tests/server/loopback_server.h"
#include "tests/support/feedd_process.h"
#include "tests/support/generation_snapshot.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(http_test)

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Reply = http::response<http::string_body>;
using namespace std::chrono_literals;

// The shared loopback fixture (tests/server/loopback_server.h) as these tests use it:
// timeout 1 s, max body 1 KiB, 1 thread, a ~3 MB post when `big`.
struct Server : LoopbackServer {
  explicit Server(bool big = false, std::size_t max_connections = 0)
      : LoopbackServer(
            {.timeout_s = 1, .big = big, .threads = 1, .max_connections = max_connections}) {}
};

// A blocking Beast client on one connection.
struct Client {
  explicit Client(std::uint16_t port) {
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void send(std::string_view raw) { asio::write(socket, asio::buffer(raw)); }
  Reply read(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(head);
    http::read(socket, buffer, parser);
    return parser.release();
  }
  Reply get(std::string_view target, std::string_view headers = "",
            std::string_view method = "GET") {
    send(std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
         std::string(headers) + "\r\n");
    return read(method == "HEAD");
  }
  // True when the server closed the connection within `limit` (EOF or reset).
  bool closed_within(std::chrono::milliseconds limit) {
    pollfd fd{socket.native_handle(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(limit.count())) <= 0) {
      return false;
    }
    char byte;
    boost::system::error_code ec;
    socket.read_some(asio::buffer(&byte, 1), ec);
    return ec.failed();
  }

  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
};

std::string field(const Reply& reply, std::string_view name) {
  auto it = reply.find(name);
  return it == reply.end() ? "<absent>" : std::string(it->value());
}

}  // namespace

BOOST_AUTO_TEST_CASE(conditional_get_table_over_the_wire) {
  Server server;
  Client client(server.port);
  Reply plain = client.get("/en/atom.xml");
  BOOST_TEST(plain.result_int() == 200);
  const std::string etag = field(plain, "ETag");
  const std::string last_modified = field(plain, "Last-Modified");
  BOOST_TEST(field(plain, "Cache-Control") == "public, max-age=300");
  BOOST_TEST(field(plain, "Vary") == "Accept-Encoding, Accept");
  BOOST_TEST(plain.body().starts_with("<?xml"));

  struct Case {
    std::string headers;
    int status;
  };
  const std::vector<Case> cases = {
      {"If-None-Match: " + etag + "\r\n", 304},
      {"If-None-Match: W/" + etag + "\r\n", 304},  // weak comparison
      {"If-None-Match: *\r\n", 304},
      {"If-None-Match: \"a\", " + etag + "\r\n", 304},
      {"If-None-Match: \"a\"\r\nIf-None-Match: " + etag + "\r\n", 304},  // two fields
      {"If-None-Match: \"stale\"\r\n", 200},
      {"If-None-Match: \"stale\"\r\nIf-Modified-Since: " + last_modified + "\r\n", 200},
      {"If-Modified-Since: " + last_modified + "\r\n", 304},
      {"If-Modified-Since: Sun, 01 Jan 2000 00:00:00 GMT\r\n", 200},
      {"If-Modified-Since: not a date\r\n", 200},
      {"Accept-Encoding: gzip\r\nIf-None-Match: " + etag + "\r\n", 200},  // gzip's own ETag
      {"If-Match: " + etag + "\r\n", 200},
      {"If-Match: \"stale\"\r\n", 412},
      {"If-Match: \"stale\"\r\nIf-None-Match: " + etag + "\r\n", 412},  // checked first
      {"If-Unmodified-Since: " + last_modified + "\r\n", 200},
      {"IF-UNMODIFIED-SINCE: Sat, 01 Jan 2000 00:00:00 GMT\r\n", 412},
  };
  for (const Case& c : cases) {
    Reply reply = client.get("/en/atom.xml", c.headers);
    BOOST_TEST(reply.result_int() == c.status, c.headers);
    if (reply.result_int() == 412) {
      BOOST_TEST(reply.reason() == "Precondition Failed");
      BOOST_TEST(field(reply, "ETag") == etag);
    }
    if (reply.result_int() == 304) {
      BOOST_TEST(reply.body().empty());
      BOOST_TEST(field(reply, "ETag") == etag);
      BOOST_TEST(field(reply, "Vary") == "Accept-Encoding, Accept");
      BOOST_TEST(field(reply, "Cache-Control") == "public, max-age=300");
      BOOST_TEST(field(reply, "Last-Modified") == last_modified);
      BOOST_TEST(field(reply, "Date") != "<absent>");
    }
  }
}

// The server normalises the path as the router does (RFC 3986 §6.2.2.2), before it looks
// in the snapshot and in the topic feeds.
BOOST_AUTO_TEST_CASE(escaped_unreserved_characters_reach_the_same_feed) {
  Server server;
  Client client(server.port);
  const Reply plain = client.get("/en/atom.xml");
  const Reply escaped = client.get("/en/%61tom%2Exml");
  BOOST_TEST(escaped.result_int() == 200);
  BOOST_TEST(field(escaped, "ETag") == field(plain, "ETag"));
  BOOST_TEST(client.get("/en%2Fatom.xml").result_int() == 404);
}

// OPTIONS * (RFC 9110 §9.3.7) over the wire: 200, the methods, an empty body, and the
// connection kept for the next request.
BOOST_AUTO_TEST_CASE(options_asterisk_names_the_methods) {
  Server server;
  Client client(server.port);
  const Reply options = client.get("*", "", "OPTIONS");
  BOOST_TEST(options.result_int() == 200);
  BOOST_TEST(field(options, "Allow") == "GET, HEAD, POST");
  BOOST_TEST(field(options, "Content-Length") == "0");
  BOOST_TEST(options.body().empty());
  BOOST_TEST(client.get("/en/atom.xml").result_int() == 200);
  BOOST_TEST(client.get("*").result_int() == 400);
}

BOOST_AUTO_TEST_CASE(curl_sees_gzip_brotli_and_304) {
  Server server;
  auto fetch = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv{"curl", "-s",
                                  "-o",   "/dev/null",
                                  "-w",   "%{http_code} %header{content-encoding} %header{etag}"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(server.url("/ja/rss.xml"));
    return run_command(argv).output;
  };
  const std::string gzip = fetch({"-H", "Accept-Encoding: gzip"});
  BOOST_TEST(gzip.starts_with("200 gzip \""), gzip);
  const std::string gzip_etag = gzip.substr(gzip.find('"'));
  BOOST_TEST(fetch({"-H", "Accept-Encoding: br;q=1, gzip;q=0.5"}).starts_with("200 br "));
  BOOST_TEST(fetch({"-H", "Accept-Encoding: gzip", "-H", "If-None-Match: " + gzip_etag})
                 .starts_with("304 "));
  // A browser gets generic XML (rendered with feed.css) under its own ETag.
  const std::string browser =
      run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{content_type} %header{etag}", "-H",
                   "Accept: text/html,application/xml;q=0.9,*/*;q=0.8", server.url("/ja/rss.xml")})
          .output;
  BOOST_TEST(browser.starts_with("application/xml; charset=utf-8 \""), browser);
  BOOST_TEST(browser.ends_with("-xml\""), browser);
  auto decoded = run_command({"curl", "-sf", "--compressed", server.url("/ja/rss.xml")});
  BOOST_TEST(decoded.exit_status == 0);
  BOOST_TEST(decoded.output.find("こんにちは") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(head_matches_get_without_a_body) {
  Server server;
  Client client(server.port);
  Reply get = client.get("/en/rss.xml");
  Reply head = client.get("/en/rss.xml", "", "HEAD");
  BOOST_TEST(head.result_int() == 200);
  BOOST_TEST(field(head, "Content-Length") == std::to_string(get.body().size()));
  BOOST_TEST(field(head, "ETag") == field(get, "ETag"));
  BOOST_TEST(head.body().empty());
  // The connection is still in sync: the next response parses.
  BOOST_TEST(client.get("/healthz").body() == "ok\n");
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_many_requests_on_one_connection) {
  Server server;
  Client client(server.port);
  for (int i = 0; i < 20; ++i) {
    Reply reply = client.get(i % 2 ? "/en/atom.xml" : "/");
    BOOST_TEST(reply.result_int() == 200);
    BOOST_TEST(reply.keep_alive());
  }
  Reply last = client.get("/healthz", "Connection: close\r\n");
  BOOST_TEST(!last.keep_alive());
  BOOST_TEST(client.closed_within(2000ms));
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  Server server;
  Client client(server.port);
  const std::vector<std::string> targets = {"/healthz", "/en/atom.xml", "/missing", "/ja/",
                                            "/feed.css"};
  std::string batch;
  for (int i = 0; i < 10; ++i) {
    batch += "GET " + targets[i % targets.size()] + " HTTP/1.1\r\nHost: test\r\n\r\n";
  }
  client.send(batch);  // one write, ten requests
  for (int i = 0; i < 10; ++i) {
    Reply reply = client.read();
    const std::string& target = targets[i % targets.size()];
    if (target == "/healthz") {
      BOOST_TEST(reply.body() == "ok\n");
    } else if (target == "/missing") {
      BOOST_TEST(reply.result_int() == 404);
    } else if (target == "/en/atom.xml") {
      BOOST_TEST(field(reply, "Content-Type").starts_with("application/atom+xml"));
    } else if (target == "/ja/") {
      BOOST_TEST(field(reply, "Content-Type").starts_with("text/html"));
    } else {
      BOOST_TEST(field(reply, "Content-Type").starts_with("text/css"));
    }
  }
}

BOOST_AUTO_TEST_CASE(limits_431_413_400) {
  Server server;
  {
    Client client(server.port);
    Reply reply = client.get("/", "X-Big: " + std::string(20000, 'a') + "\r\n");
    BOOST_TEST(reply.result_int() == 431);
    BOOST_TEST(client.closed_within(3000ms));
  }
  {
    Client client(server.port);
    client.send("POST /hooks/rebuild HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" +
                std::string(5000, 'b'));
    BOOST_TEST(client.read().result_int() == 413);
  }
  {
    Client client(server.port);
    client.send(
        "POST /hooks/rebuild HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        "800\r\n" +
        std::string(2048, 'c') + "\r\n0\r\n\r\n");
    BOOST_TEST(client.read().result_int() == 413);
  }
  {
    Client client(server.port);
    Reply small = client.get("/hooks/rebuild", "Content-Length: 2\r\n\r\n{}", "POST");
    BOOST_TEST(small.result_int() == 401);  // accepted size; webhooks not configured
  }
  {
    Client client(server.port);
    client.send("NOT HTTP AT ALL\r\n\r\n");
    BOOST_TEST(client.read().result_int() == 400);
  }
  auto curl = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary",
                           std::string(4096, 'd'), server.url("/hooks/rebuild")});
  BOOST_TEST(curl.output == "413");
}

BOOST_AUTO_TEST_CASE(idle_and_slow_clients_are_closed_after_the_timeout) {
  Server server;
  Client idle(server.port);
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(idle.closed_within(3000ms));
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 900ms));
  // Keep-alive connections idle between requests are closed too.
  Client between(server.port);
  BOOST_TEST(between.get("/healthz").result_int() == 200);
  BOOST_TEST(between.closed_within(3000ms));
}

// The sweep that ends overdue waits runs four times per timeout, at most once a second and
// at least every 10 ms: a wait ends at most a quarter of the timeout late.
BOOST_AUTO_TEST_CASE(the_idle_sweep_runs_four_times_per_timeout_at_most_once_a_second) {
  using daemon::IdleSweeper;
  BOOST_TEST(IdleSweeper::period_for(1s).count() == 250);
  BOOST_TEST(IdleSweeper::period_for(3s).count() == 750);
  BOOST_TEST(IdleSweeper::period_for(30s).count() == 1000);
  BOOST_TEST(IdleSweeper::period_for(0s).count() == 10);
}

// A stopping server's sweep ends every wait for a request, even one far from its deadline
// that no earlier step ended (a connection accepted just as the server stopped), after the
// fresh connection's grace; then, no session left, it lets the io_context finish.
BOOST_AUTO_TEST_CASE(a_stopping_sweep_ends_every_wait_then_lets_the_context_finish) {
  using daemon::SessionControl;
  daemon::SnapshotStore store(generation_snapshot(1));
  daemon::Metrics metrics;
  daemon::ServerOptions options;
  options.timeout = std::chrono::seconds(120);
  daemon::ServerShared shared(options, store, metrics, 16);
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(io);
  tcp::socket served(io);
  client.connect(acceptor.local_endpoint());
  acceptor.accept(served);
  auto control = std::make_shared<SessionControl>();
  control->executor = io.get_executor();
  control->socket = &served;
  control->waiting_since.store(daemon::steady_ticks());
  control->wait_deadline.store(
      (std::chrono::steady_clock::now() + options.timeout).time_since_epoch().count());
  {
    std::lock_guard lock(shared.sessions_mutex);
    shared.sessions.insert(control);
  }
  std::array<char, 16> bytes{};
  std::optional<boost::system::error_code> ended;
  served.async_read_some(asio::buffer(bytes), [&](boost::system::error_code ec, std::size_t) {
    ended = ec;  // as the session does when its wait ends: deregisters
    control->wait_deadline.store(SessionControl::kNoDeadline);
    control->socket = nullptr;
    std::lock_guard lock(shared.sessions_mutex);
    shared.sessions.erase(control);
  });
  daemon::IdleSweeper sweeper(shared, io);
  sweeper.start();
  sweeper.stop();
  const auto start = std::chrono::steady_clock::now();
  io.run_for(20s);  // returns early only when nothing is left to run
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_REQUIRE(ended.has_value());
  BOOST_TEST((*ended == asio::error::operation_aborted));
  BOOST_TEST((took >= daemon::kFreshGrace - 50ms));
  BOOST_TEST((took < 10s));
}

BOOST_AUTO_TEST_CASE(a_client_that_stops_reading_a_big_body_is_closed_after_the_timeout) {
  Server server(true);  // the big feed goes out with sendfile(), under its own deadline
  asio::io_context io;
  tcp::socket socket(io);
  socket.open(tcp::v4());
  socket.set_option(asio::socket_base::receive_buffer_size(4096));
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port));
  asio::write(socket, asio::buffer(std::string("GET /en/feed.json HTTP/1.1\r\nHost: t\r\n\r\n")));
  // Never reading: the server's write stalls until its deadline (1 s) cancels it, and only
  // then does the server count the response.
  const auto given_up = [&] {
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return server.metrics.render(*server.store->load(), now)
               .find("feedd_http_requests_total{route=\"feed\",status=\"200\"} 1\n") !=
           std::string::npos;
  };
  BOOST_REQUIRE(eventually(given_up, 15s));
  std::string received;
  boost::system::error_code ec;
  char buffer[65536];
  while (!ec) {
    received.append(buffer, socket.read_some(asio::buffer(buffer), ec));
  }
  const auto length_at = received.find("Content-Length: ");
  BOOST_REQUIRE(length_at != std::string::npos);
  const std::size_t length = std::stoul(received.substr(length_at + 16));
  BOOST_TEST(length > 1000000u);
  BOOST_TEST(received.size() < length);  // cut off, not delivered late
  // The server is still fine.
  Client client(server.port);
  BOOST_TEST(client.get("/healthz").result_int() == 200);
}

BOOST_AUTO_TEST_CASE(a_byte_per_second_client_does_not_delay_others) {
  Server server;  // one I/O thread: only the coroutines keep the others going
  Client slow(server.port);
  std::atomic<bool> done{false};
  std::thread dripper([&] {
    const std::string request = "GET /en/atom.xml HTTP/1.1\r\nHost: test\r\n\r\n";
    boost::system::error_code ec;
    for (std::size_t i = 0; i < request.size() && !done && !ec; ++i) {
      asio::write(slow.socket, asio::buffer(&request[i], 1), ec);
      std::this_thread::sleep_for(1s);
    }
  });
  // Counted, not timed: a server busy with the slow client would answer no one else until
  // its deadline (1 s) closed that connection, so every answer is followed by a look at
  // whether the slow connection is still open.
  int answered_while_open = 0;
  bool slow_closed = false;
  for (int i = 0; i < 30 && !slow_closed; ++i) {
    Client client(server.port);
    BOOST_TEST(client.get("/en/atom.xml").result_int() == 200);
    slow_closed = slow.closed_within(0ms);
    answered_while_open += slow_closed ? 0 : 1;
  }
  BOOST_TEST(answered_while_open >= 1,
             answered_while_open << " answers while the slow request was incomplete");
  BOOST_TEST((slow_closed || slow.closed_within(3000ms)));  // its request never completed
  done = true;
  dripper.join();
}

BOOST_AUTO_TEST_CASE(feedparser_etag_and_modified_round_trip_gets_304) {
  Server server;
  TempDir dir;
  write_file(dir / "poll.py", R"(import sys, feedparser
url = sys.argv[1]
first = feedparser.parse(url)
assert not first.bozo, first.bozo_exception
again = feedparser.parse(url, etag=first.etag, modified=first.modified)
modified_only = feedparser.parse(url, modified=first.modified)
print(first.status, again.status, modified_only.status, len(first.entries))
)");
  for (const char* path : {"/en/atom.xml", "/ja/rss.xml", "/rss.xml"}) {
    auto result = run_command({"/usr/bin/python3", (dir / "poll.py").string(), server.url(path)});
    BOOST_TEST(result.exit_status == 0, result.output);
    BOOST_TEST(result.output.starts_with("200 304 304 "), path << ": " << result.output);
  }
}

BOOST_AUTO_TEST_CASE(pages_and_metrics) {
  Server server;
  Client client(server.port);
  Reply index = client.get("/");
  BOOST_TEST(index.body().find("<link rel=\"alternate\" type=\"application/atom+xml\" "
                               "href=\"ja/atom.xml\"") != std::string::npos);
  Reply en = client.get("/en/");
  BOOST_TEST(en.body().find(">Hello</a>") != std::string::npos);
  BOOST_TEST(en.body().find("href=\"../en/rss.xml\"") != std::string::npos);
  BOOST_TEST(client.get("/en").result_int() == 301);
  Reply metrics = client.get("/metrics");
  BOOST_TEST(metrics.body().find("feedd_http_requests_total{route=\"page\",status=\"200\"} 2") !=
                 std::string::npos,
             metrics.body());
  BOOST_TEST(metrics.body().find("feedd_posts{lang=\"en\"} 2") != std::string::npos);
}

// A burst of connections is spread over the threads by their connection counts. Left to the
// kernel, the thread that woke first accepted the whole backlog (all 64 of wrk's connections
// on one of two threads, in the serve benchmark).
BOOST_AUTO_TEST_CASE(a_burst_of_connections_is_spread_over_the_threads) {
  LoopbackServer server({.threads = 2});
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 64; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port));
  }
  std::vector<std::size_t> counts;
  const bool all_accepted = eventually([&] {
    counts = server.server->connections_per_thread();
    return counts.size() == 2 && counts[0] + counts[1] == 64;
  });
  BOOST_REQUIRE_MESSAGE(all_accepted, "not all 64 connections were accepted");
  BOOST_TEST(counts[0] >= 28u, counts[0] << " / " << counts[1]);
  BOOST_TEST(counts[1] >= 28u, counts[0] << " / " << counts[1]);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
