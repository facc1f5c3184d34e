// The strict HTTP/1.1 request parser (RFC 9112 §2-§7): one case per framing and syntax
// rule, on byte buffers (no sockets), through parse_request() and its pieces.
#include "daemon/http/request_parser.h"

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(request_parser_test)

namespace {

using boost::system::error_code;

struct Parsed {
  error_code error;      // empty when parsed
  std::size_t used = 0;  // bytes taken; 0: incomplete
  RequestHead head;
  std::string body;
};

Parsed parse(std::string_view bytes, RequestLimits limits = {}) {
  Parsed parsed;
  auto used = parse_request(bytes, parsed.head, parsed.body, limits);
  if (used) {
    parsed.used = *used;
  } else {
    parsed.error = used.error();
  }
  return parsed;
}

// The status the server answers `bytes` with: 0 when the request parses completely.
int status(std::string_view bytes) {
  Parsed parsed = parse(bytes);
  BOOST_TEST_REQUIRE((parsed.error || parsed.used == bytes.size()), "incomplete: " << bytes);
  return status_of(parsed.error);
}

std::string get(std::string_view fields) {
  return "GET / HTTP/1.1\r\nHost: example.org\r\n" + std::string(fields) + "\r\n";
}

std::string post(std::string_view fields, std::string_view body = "") {
  return "POST /hooks/rebuild HTTP/1.1\r\nHost: example.org\r\n" + std::string(fields) + "\r\n" +
         std::string(body);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_plain_request_parses_with_its_fields) {
  Parsed p =
      parse(get("If-None-Match: \"a\"\r\nAccept-Encoding: gzip\r\nIf-None-Match: \"b\"\r\n"
                "X-Hub-Signature-256: sha256=1\r\nx-hub-signature-256: sha256=2\r\n"));
  BOOST_TEST(!p.error);
  BOOST_TEST(p.head.method == "GET");
  BOOST_TEST(p.head.target == "/");
  BOOST_TEST(p.head.version == 11);
  BOOST_TEST(p.head.keep_alive);
  BOOST_TEST(p.head.if_none_match.text == "\"a\", \"b\"");  // two lines are one list
  BOOST_TEST(p.head.accept_encoding.text == "gzip");
  BOOST_TEST(!p.head.if_modified_since.present);
  BOOST_TEST(p.head.webhook[0].text == "sha256=1");  // the first signature line wins
  BOOST_TEST((p.head.body == RequestHead::Body::none));
  BOOST_TEST(!p.head.if_match.present);
  BOOST_TEST(!p.head.if_unmodified_since.present);

  // The preconditions (RFC 9110 §13.1.1, §13.1.4), beside a webhook field of the same length.
  Parsed q =
      parse(get("if-match: \"a\"\r\nIf-Unmodified-Since: Sun, 01 Jan 2000 00:00:00 GMT\r\n"
                "IF-MATCH: \"b\"\r\nX-Hub-Signature-256: sha256=3\r\n"));
  BOOST_TEST(!q.error);
  BOOST_TEST(q.head.if_match.text == "\"a\", \"b\"");
  BOOST_TEST(q.head.if_unmodified_since.text == "Sun, 01 Jan 2000 00:00:00 GMT");
  BOOST_TEST(q.head.webhook[0].text == "sha256=3");
  const Request request = q.head.to_request("");
  BOOST_TEST(request.if_match.value_or("<none>") == "\"a\", \"b\"");
  BOOST_TEST(request.if_unmodified_since.value_or("<none>") == "Sun, 01 Jan 2000 00:00:00 GMT");
  q.head.clear();
  BOOST_TEST(!q.head.if_match.present);
  BOOST_TEST(!q.head.if_unmodified_since.present);
}

BOOST_AUTO_TEST_CASE(transfer_encoding_must_end_with_one_chunked) {
  BOOST_TEST(status(post("Transfer-Encoding: chunked, gzip\r\n")) == 400);
  BOOST_TEST(status(post("Transfer-Encoding: gzip\r\n")) == 400);
  BOOST_TEST(status(post("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n")) == 400);
  BOOST_TEST(status(post("Transfer-Encoding: chunked, chunked\r\n")) == 400);
  BOOST_TEST(status(post("Transfer-Encoding: \r\n")) == 400);
  BOOST_TEST(status(post("Transfer-Encoding: chun ked\r\n")) == 400);
  // Codings other than chunked are not implemented.
  BOOST_TEST(status(post("Transfer-Encoding: gzip, chunked\r\n")) == 501);
  BOOST_TEST(status(post("Transfer-Encoding: x-foo, chunked\r\n")) == 501);
  BOOST_TEST(status(post("Transfer-Encoding: x-foo\r\nTransfer-Encoding: chunked\r\n")) == 501);
  BOOST_TEST(status(post("Transfer-Encoding: CHUNKED\r\n", "0\r\n\r\n")) == 0);
}

BOOST_AUTO_TEST_CASE(transfer_encoding_with_content_length_is_refused) {
  BOOST_TEST(status(post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")) == 400);
  BOOST_TEST(status(post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")) == 400);
  BOOST_TEST(status(post("Content-Length: x\r\nTransfer-Encoding: chunked\r\n")) == 400);
  // HTTP/1.0 has no Transfer-Encoding: the framing is faulty (RFC 9112 §6.1).
  BOOST_TEST(status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
}

BOOST_AUTO_TEST_CASE(content_length_must_be_one_decimal_number) {
  BOOST_TEST(status(post("Content-Length: 5\r\nContent-Length: 6\r\n", "12345")) == 400);
  BOOST_TEST(status(post("Content-Length: 5, 6\r\n", "12345")) == 400);
  BOOST_TEST(status(post("Content-Length: +5\r\n", "12345")) == 400);
  BOOST_TEST(status(post("Content-Length: -5\r\n", "12345")) == 400);
  BOOST_TEST(status(post("Content-Length: 5a\r\n", "12345")) == 400);
  BOOST_TEST(status(post("Content-Length: 0x5\r\n", "12345")) == 400);
  BOOST_TEST(status(post("Content-Length: \r\n")) == 400);
  BOOST_TEST(status(post("Content-Length: 5,,5\r\n", "12345")) == 400);
  BOOST_TEST(status(post("Content-Length: 99999999999999999999999\r\n")) == 400);  // overflow
  // Identical values, as a list or as repeated lines, are one length (RFC 9110 §8.6).
  BOOST_TEST(status(post("Content-Length: 5, 5\r\n", "12345")) == 0);
  BOOST_TEST(status(post("Content-Length: 5\r\nContent-Length: 5\r\n", "12345")) == 0);
  Parsed p = parse(post("Content-Length: 5\r\n", "12345GET"));
  BOOST_TEST(p.body == "12345");
  BOOST_TEST(p.used == post("Content-Length: 5\r\n", "12345").size());  // "GET" is next
  // A body over the limit is refused from its length alone.
  BOOST_TEST(status_of(parse(post("Content-Length: 2000\r\n"), {16384, 1024}).error) == 413);
}

BOOST_AUTO_TEST_CASE(chunked_bodies_are_decoded_and_checked) {
  Parsed p = parse(post("Transfer-Encoding: chunked\r\n",
                        "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"));
  BOOST_TEST(!p.error);
  BOOST_TEST(p.body == "hello world");
  const std::string fields = "Transfer-Encoding: chunked\r\n";
  BOOST_TEST(status(post(fields, "5\r\nhelloXX0\r\n\r\n")) == 400);      // no CRLF after data
  BOOST_TEST(status(post(fields, "5\nhello\r\n0\r\n\r\n")) == 400);      // bare LF
  BOOST_TEST(status(post(fields, "g\r\n")) == 400);                      // not hex
  BOOST_TEST(status(post(fields, "5 x\r\nhello\r\n0\r\n\r\n")) == 400);  // junk after size
  BOOST_TEST(status(post(fields, "fffffffffffffffff\r\n")) == 400);      // overflow
  BOOST_TEST(status(post(fields, "0\r\nbad trailer\r\n\r\n")) == 400);
  BOOST_TEST(status_of(parse(post(fields, "800\r\n"), {16384, 1024}).error) == 413);
  // Incomplete: more bytes are needed, nothing is wrong yet.
  BOOST_TEST(parse(post(fields, "5\r\nhel")).used == 0u);
  BOOST_TEST(!parse(post(fields, "5\r\nhel")).error);
}

BOOST_AUTO_TEST_CASE(request_line_syntax) {
  BOOST_TEST(status("GET / HTTP/1.1\r\nHost: a\r\n\r\n") == 0);
  BOOST_TEST(status("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);  // two spaces
  BOOST_TEST(status("GET / HTTP/1.1 \r\nHost: a\r\n\r\n") == 400);
  BOOST_TEST(status("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  BOOST_TEST(status("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  BOOST_TEST(status("G(T / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);  // method not a token
  BOOST_TEST(status("GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  BOOST_TEST(status("GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  BOOST_TEST(status("GET / http/1.1\r\nHost: a\r\n\r\n") == 400);
  BOOST_TEST(status("GET / HTTP/1.10\r\nHost: a\r\n\r\n") == 400);
  BOOST_TEST(status("GET / HTTP/1\r\nHost: a\r\n\r\n") == 400);
  BOOST_TEST(status("GET /\r\nHost: a\r\n\r\n") == 400);  // HTTP/0.9
  BOOST_TEST(status("NOT HTTP AT ALL\r\n\r\n") == 400);
  // Another major version: 505; HTTP/2's connection preface included.
  BOOST_TEST(status("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == 505);
  BOOST_TEST(status("GET / HTTP/3.1\r\nHost: a\r\n\r\n") == 505);
  Parsed preface = parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  BOOST_TEST(status_of(preface.error) == 505);
  // A higher minor version is served as 1.1; 1.0 is 1.0.
  BOOST_TEST(parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n").head.version == 11);
  BOOST_TEST(parse("GET / HTTP/1.0\r\n\r\n").head.version == 10);
  // Empty lines before the request line are ignored (RFC 9112 §2.2).
  Parsed leading = parse("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  BOOST_TEST(!leading.error);
  BOOST_TEST(leading.head.target == "/x");
}

BOOST_AUTO_TEST_CASE(absolute_form_targets_are_kept_for_the_router) {
  Parsed p = parse("GET http://example.org/en/atom.xml?x=1 HTTP/1.1\r\nHost: other\r\n\r\n");
  BOOST_TEST(!p.error);
  BOOST_TEST(p.head.target == "http://example.org/en/atom.xml?x=1");
  BOOST_TEST(request_path(p.head.target).value_or("<none>") == "/en/atom.xml");
}

BOOST_AUTO_TEST_CASE(field_syntax) {
  BOOST_TEST(status(get("X-A : 1\r\n")) == 400);  // whitespace before the colon
  BOOST_TEST(status(get("X-A\t: 1\r\n")) == 400);
  BOOST_TEST(status(get("X-A: 1\r\n folded\r\n")) == 400);  // obs-fold
  BOOST_TEST(status(get("X-A: 1\r\n\tfolded\r\n")) == 400);
  BOOST_TEST(status(get("X-A: a\rb\r\n")) == 400);                   // bare CR
  BOOST_TEST(status(get(std::string("X-A: a\0b\r\n", 10))) == 400);  // NUL
  BOOST_TEST(status(get("X-A: a\x01"
                        "b\r\n")) == 400);
  BOOST_TEST(status(get("X(A): 1\r\n")) == 400);  // not a token
  BOOST_TEST(status(get("X\xc3\xa9: 1\r\n")) == 400);
  BOOST_TEST(status(get(": 1\r\n")) == 400);  // empty name
  BOOST_TEST(status(get("No colon\r\n")) == 400);
  BOOST_TEST(status(get("X-A: caf\xc3\xa9\r\n")) == 0);  // obs-text in a value is fine
  BOOST_TEST(status(get("X-A:\r\n")) == 0);              // an empty value too
  BOOST_TEST(parse(get("Accept:  \t text/html \t \r\n")).head.accept.text == "text/html");
}

BOOST_AUTO_TEST_CASE(field_names_match_ignoring_ascii_case_only) {
  // Each name whose value the parser keeps, and Host, with one byte changed to each token
  // character: taken exactly when the change is that letter's other case (the comparison in
  // request_fields.cpp works a word at a time; this pins the set it accepts).
  const std::string_view token_chars =
      "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::vector<std::pair<std::string, const FieldValue RequestHead::*>> kept = {
      {"if-none-match", &RequestHead::if_none_match},
      {"if-modified-since", &RequestHead::if_modified_since},
      {"accept-encoding", &RequestHead::accept_encoding},
      {"accept", &RequestHead::accept},
      {"a-im", &RequestHead::a_im},
      {"x-forwarded-for", &RequestHead::x_forwarded_for}};
  for (std::size_t i = 0; i < kWebhookFields.size(); ++i) {
    kept.emplace_back(std::string(kWebhookFields[i].name), nullptr);
  }
  for (std::size_t field = 0; field < kept.size(); ++field) {
    // Not a structured binding: clang 14 (the sanitizer trees) cannot capture one.
    const std::string& name = kept[field].first;
    const auto member = kept[field].second;
    const auto taken = [&](const RequestHead& head) {
      return (member != nullptr ? head.*member : head.webhook[field - 6]).text == "v";
    };
    for (std::size_t at = 0; at < name.size(); ++at) {
      for (char c : token_chars) {
        std::string variant = name;
        variant[at] = c;
        const Parsed p = parse(get(variant + ": v\r\n"));
        BOOST_TEST(!p.error);
        BOOST_TEST(taken(p.head) == (std::tolower(c) == name[at]), variant);
      }
    }
  }
  for (std::size_t at = 0; at < 4; ++at) {
    for (char c : token_chars) {
      std::string variant = "host";
      variant[at] = c;
      const bool same = std::tolower(c) == "host"[at];
      BOOST_TEST(
          status("GET / HTTP/1.1\r\n" + variant + ": example.org\r\n\r\n") == (same ? 0 : 400),
          variant);
    }
  }
}

BOOST_AUTO_TEST_CASE(only_crlf_ends_a_line) {
  // Bare LF is refused (RFC 9112 §2.2 allows either; refusing keeps every hop agreeing).
  BOOST_TEST(status("GET / HTTP/1.1\nHost: a\n\n") == 400);
  BOOST_TEST(status("GET / HTTP/1.1\r\nHost: a\n\r\n") == 400);
  BOOST_TEST(status("GET / HTTP/1.1\rHost: a\r\n\r\n") == 400);
  // Refused as soon as the bad byte arrives, before the head is complete.
  HeadScanner scanner;
  BOOST_TEST(!scanner.scan("GET / HTTP/1.1\n", 16384));
  scanner.reset();
  BOOST_TEST(scanner.scan("GET / HTTP/1.1\r", 16384).value() == 0u);  // LF may follow
  BOOST_TEST(scanner.scan("GET / HTTP/1.1\r\n", 16384).value() == 0u);
  BOOST_TEST(scanner.scan("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 16384).value() == 27u);
  scanner.reset();
  BOOST_TEST(status_of(scanner.scan(std::string(100, 'a'), 100).error()) == 431);
  // A complete head over the limit that arrived in one read is refused too.
  const std::string big =
      "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(200, 'b') + "\r\n\r\n";
  scanner.reset();
  BOOST_TEST(status_of(scanner.scan(big, 100).error()) == 431);
  scanner.reset();
  BOOST_TEST(scanner.scan(big, big.size()).value() == big.size());  // exactly at the limit: fine
}

BOOST_AUTO_TEST_CASE(host_rules) {
  BOOST_TEST(status("GET / HTTP/1.1\r\n\r\n") == 400);  // HTTP/1.1 needs Host
  BOOST_TEST(status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  BOOST_TEST(status("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n") == 400);
  BOOST_TEST(status("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == 400);
  BOOST_TEST(status("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n") == 400);
  BOOST_TEST(status("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n") == 0);
  // Its structure, not only its bytes: uri-host [ ":" port ].
  for (const char* good : {"a.example:8080", "127.0.0.1", "[::1]", "[2001:db8::7]:80",
                           "[::ffff:192.0.2.1]", "[v1.x]", "a:", "xn--bcher-kva.example"}) {
    BOOST_TEST(status("GET / HTTP/1.1\r\nHost: " + std::string(good) + "\r\n\r\n") == 0, good);
  }
  for (const char* bad : {"[::1", "::1", "[::1]x", "[zz::1]", "x:abc", "[]", "[1.2.3.4]", "a:80:90",
                          "a]b", "[::1]:8a"}) {
    BOOST_TEST(status("GET / HTTP/1.1\r\nHost: " + std::string(bad) + "\r\n\r\n") == 400, bad);
  }
  BOOST_TEST(status("GET / HTTP/1.1\r\nHost:\r\n\r\n") == 0);  // empty is allowed
  BOOST_TEST(status("GET / HTTP/1.0\r\n\r\n") == 0);           // 1.0 may omit it
  BOOST_TEST(status("GET http://a/ HTTP/1.1\r\n\r\n") == 400);
}

BOOST_AUTO_TEST_CASE(connection_persistence) {
  BOOST_TEST(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").head.keep_alive);
  BOOST_TEST(!parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").head.keep_alive);
  BOOST_TEST(!parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n").head.keep_alive);
  BOOST_TEST(!parse("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
  BOOST_TEST(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").head.keep_alive);
  BOOST_TEST(!parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").head.keep_alive);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_parsed_one_at_a_time) {
  const std::string one = get("");
  const std::string bytes = one + post("Content-Length: 2\r\n", "{}") + one;
  RequestHead head;
  std::string body;
  std::string_view rest = bytes;
  std::vector<std::string> methods;
  while (!rest.empty()) {
    auto used = parse_request(rest, head, body, {});
    BOOST_TEST_REQUIRE(used.has_value());
    BOOST_TEST_REQUIRE(*used > 0u);
    methods.push_back(head.method);
    rest.remove_prefix(*used);
  }
  BOOST_TEST((methods == std::vector<std::string>{"GET", "POST", "GET"}));
  BOOST_TEST(parse(one.substr(0, one.size() - 1)).used == 0u);  // incomplete head
}

BOOST_AUTO_TEST_CASE(chunked_decoder_takes_bytes_in_any_pieces) {
  const std::string encoded = "3\r\nabc\r\n10;x=\"y\"\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n";
  for (std::size_t piece = 1; piece <= encoded.size(); ++piece) {
    ChunkedDecoder decoder;
    std::string body, pending;
    for (std::size_t i = 0; i < encoded.size(); i += piece) {
      pending += encoded.substr(i, piece);
      auto used = decoder.feed(pending, body, 1024, 1024);
      BOOST_TEST_REQUIRE(used.has_value());
      pending.erase(0, *used);
    }
    BOOST_TEST(decoder.done());
    BOOST_TEST(pending.empty());
    BOOST_TEST(body == "abc0123456789abcdef");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
