// RFC 9112 framing and syntax over real sockets: every refused request gets its status and
// a closed connection, and never reaches a route (the webhook's counter in /metrics does not
// move while the refusal counters do). Valid edge forms (absolute-form, HTTP/1.0
// keep-alive, leading empty lines) are served.
#include <boost/test/unit_test.hpp>

#include "tests/server/loopback_server.h"
#include "tests/support/feedd_process.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(http_framing_test)

namespace {

using namespace std::chrono_literals;

struct Refusal {
  std::string raw;
  int status;
};

constexpr std::string_view kHook = "POST /hooks/rebuild HTTP/1.1\r\nHost: t\r\n";
// A complete request hidden where a lenient parser would see a body or the next request.
constexpr std::string_view kSmuggled =
    "POST /hooks/rebuild HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}";

std::string hook(std::string_view fields, std::string_view rest = "") {
  return std::string(kHook) + std::string(fields) + "\r\n" + std::string(rest);
}

// Sends each request on its own connection; each must get `status`, say
// "Connection: close" and be closed.
void expect_refused(const LoopbackServer& server, const std::vector<Refusal>& cases) {
  for (const Refusal& c : cases) {
    RawClient client(server.port);
    const RawReply reply = client.request(c.raw);
    BOOST_TEST(reply.result_int() == c.status, c.raw);
    BOOST_TEST(field_of(reply, "Connection") == "close", c.raw);
    BOOST_TEST(client.closed_within(10s), c.raw);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(smuggling_framings_are_refused_before_the_webhook_route) {
  LoopbackServer server;
  const std::vector<Refusal> cases = {
      {hook("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"), 400},  // the reported bug
      {hook("Transfer-Encoding: gzip\r\n", "{}"), 400},
      {hook("Transfer-Encoding: chunked\r\nTransfer-Encoding: x-foo\r\n", "0\r\n\r\n"), 400},
      {hook("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), 400},
      {hook("Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", "0\r\n\r\n"), 400},
      {hook("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n",
            "0\r\n\r\n" + std::string(kSmuggled)),
       400},
      {hook("Content-Length: 2, 3\r\n", "{}x"), 400},
      {hook("Content-Length: 2\r\nContent-Length: 3\r\n", "{}x"), 400},
      {hook("Content-Length: -2\r\n", "{}"), 400},
      {hook("Content-Length: +2\r\n", "{}"), 400},
      {hook("Content-Length: 2x\r\n", "{}"), 400},
      {hook("Content-Length: 18446744073709551617\r\n", "{}"), 400},
      {"POST /hooks/rebuild HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {hook("Transfer-Encoding: x-foo, chunked\r\n", "0\r\n\r\n"), 501},
      {hook("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 501},
  };
  expect_refused(server, cases);
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return requests_counted(metrics_of(server.port), "other", "400") == 13; }),
      metrics_of(server.port));
  const std::string after = metrics_of(server.port);
  BOOST_TEST(requests_counted(after, "other", "501") == 2, after);
  BOOST_TEST(after.find("route=\"hook\"") == std::string::npos, after);  // never ran
  // The same route does count a request that is well framed (so the check above can fail).
  RawClient client(server.port);
  BOOST_TEST(client.request(hook("Content-Length: 2\r\n", "{}")).result_int() == 401);
  FEEDD_CHECK_AFTER(
      eventually([&] { return requests_counted(metrics_of(server.port), "hook", "401") == 1; }),
      metrics_of(server.port));
}

BOOST_AUTO_TEST_CASE(request_line_and_field_syntax_errors_close_the_connection) {
  LoopbackServer server;
  const std::vector<Refusal> cases = {
      {"GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET / HTTP/1.1 \r\nHost: t\r\n\r\n", 400},
      {"G@T / HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET / http/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET /\x01 HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505},
      {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},  // HTTP/2 prior knowledge: answered, no hang
      {"GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  folded\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", 400},
      {std::string("GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n", 37), 400},  // NUL
      {"GET / HTTP/1.1\r\nHost: t\r\nX[A]: 1\r\n\r\n", 400},
      {"GET / HTTP/1.1\nHost: t\n\n", 400},  // bare LF: refused at once
      {"GET / HTTP/1.1\r\n\r\n", 400},       // no Host
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
  };
  expect_refused(server, cases);
  FEEDD_CHECK_AFTER(eventually([&] {
                      const std::string text = metrics_of(server.port);
                      return requests_counted(text, "other", "400") == 14 &&
                             requests_counted(text, "other", "505") == 2;
                    }),
                    metrics_of(server.port));
}

BOOST_AUTO_TEST_CASE(absolute_form_targets_are_routed_by_path) {
  LoopbackServer server;
  RawClient client(server.port);
  RawReply reply =
      client.request("GET http://elsewhere.example/healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  BOOST_TEST(reply.result_int() == 200);
  BOOST_TEST(reply.body() == "ok\n");
  reply = client.request("GET HTTP://t/en/atom.xml?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
  BOOST_TEST(reply.result_int() == 200);
  BOOST_TEST(field_of(reply, "Content-Type").starts_with("application/atom+xml"));
  // Empty lines before a request line are skipped (RFC 9112 §2.2), e.g. after a POST body.
  reply = client.request("\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  BOOST_TEST(reply.result_int() == 200);
}

BOOST_AUTO_TEST_CASE(http10_closes_unless_keep_alive_is_asked_and_said) {
  LoopbackServer server;
  {
    RawClient client(server.port);
    const RawReply reply = client.request("GET /healthz HTTP/1.0\r\n\r\n");
    BOOST_TEST(reply.result_int() == 200);
    BOOST_TEST(field_of(reply, "Connection") == "close");
    BOOST_TEST(client.closed_within(10s));
  }
  {
    RawClient client(server.port);
    RawReply reply = client.request("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    BOOST_TEST(reply.result_int() == 200);
    BOOST_TEST(field_of(reply, "Connection") == "keep-alive");
    reply = client.request("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    BOOST_TEST(reply.result_int() == 200);  // same connection, second answer
    reply = client.request("GET /healthz HTTP/1.0\r\n\r\n");
    BOOST_TEST(field_of(reply, "Connection") == "close");
    BOOST_TEST(client.closed_within(10s));
  }
}

BOOST_AUTO_TEST_CASE(connection_close_is_honoured_even_with_more_requests_pipelined) {
  LoopbackServer server;
  RawClient client(server.port);
  client.send(
      "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  const RawReply reply = client.read();
  BOOST_TEST(reply.result_int() == 200);
  BOOST_TEST(field_of(reply, "Connection") == "close");
  BOOST_TEST(client.closed_within(10s));
  BOOST_TEST(client.drained.empty());  // nothing answered the second request
}

BOOST_AUTO_TEST_CASE(a_chunked_webhook_body_is_still_read) {
  LoopbackServer server;
  RawClient client(server.port);
  const RawReply reply =
      client.request(hook("Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n"));
  BOOST_TEST(reply.result_int() == 401);  // framed well: reaches the (unconfigured) webhook
  BOOST_TEST(field_of(reply, "Connection") == "<absent>");
  BOOST_TEST(client.request("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").result_int() == 200);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
