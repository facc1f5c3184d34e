// The pure router: RFC 9110 conditional GET, content coding selection, HEAD, errors.
// One case per rule, against a snapshot built in memory (no sockets, fixed clock).
#include "daemon/http/router.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <string>

#include "daemon/http/http_io.h"
#include "feeds/http_date.h"

namespace feedd::daemon {
namespace {

using namespace std::chrono;
using feeds::Coding;

// Feeds updated 2025-01-02 00:00:00 UTC; snapshot built and requests served later.
const sys_seconds kUpdated = sys_days{2025y / 1 / 2};
const sys_seconds kBuilt = sys_days{2025y / 3 / 1};
const sys_seconds kNow = kBuilt + hours(1);

std::string feed_body() {
  std::string body = "<?xml version=\"1.0\"?><feed>";
  for (int i = 0; i < 200; ++i) {
    body += "<entry><title>Entry " + std::to_string(i) + "</title></entry>";
  }
  return body + "</feed>";
}

struct Fixture {
  Fixture() {
    std::vector<feeds::ResourceSource> sources;
    sources.push_back(
        {"/en/atom.xml", "application/atom+xml; charset=utf-8", feed_body(), kUpdated, true});
    sources.push_back({"/en/", "text/html; charset=utf-8", "<p>page</p>", kUpdated, true});
    snapshot = feeds::Snapshot::build(std::move(sources), kBuilt, 1, nullptr, {});
    resource = snapshot->find("/en/atom.xml");
    date_text = feeds::format_http_date(kNow);
    context.now = kNow;
    context.date = date_text;
    context.cache_control = "public, max-age=300";
    context.metrics = &metrics;
  }

  Response get(std::string_view target, std::optional<std::string_view> inm = {},
               std::optional<std::string_view> ims = {},
               std::optional<std::string_view> accept = {}, std::string_view method = "GET") {
    Request request;
    request.method = method;
    request.target = target;
    request.if_none_match = inm;
    request.if_modified_since = ims;
    request.accept_encoding = accept;
    return route(request, *snapshot, context);
  }
  std::string etag(Coding coding) const { return resource->get(coding)->etag; }
  std::string weak(Coding coding) const { return "W/" + etag(coding); }

  std::shared_ptr<const feeds::Snapshot> snapshot;
  const feeds::Resource* resource = nullptr;
  std::string date_text;
  Metrics metrics;
  RouteContext context;
};

std::string header(const Response& response, std::string_view name) {
  return std::string(response.header(name).value_or("<absent>"));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(router_test, Fixture)

BOOST_AUTO_TEST_CASE(plain_get_carries_every_validator_and_cache_header) {
  Response r = get("/en/atom.xml");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(header(r, "ETag") == etag(Coding::identity));
  BOOST_TEST(header(r, "Last-Modified") == "Thu, 02 Jan 2025 00:00:00 GMT");
  BOOST_TEST(header(r, "Cache-Control") == "public, max-age=300");
  BOOST_TEST(header(r, "Vary") == "Accept-Encoding");
  BOOST_TEST(header(r, "Content-Type") == "application/atom+xml; charset=utf-8");
  BOOST_TEST(header(r, "Content-Encoding") == "<absent>");
  BOOST_TEST(header(r, "Date") == date_text);
  BOOST_TEST(r.body() == feed_body());
}

BOOST_AUTO_TEST_CASE(if_none_match_exact_gives_304) {
  BOOST_TEST(get("/en/atom.xml", etag(Coding::identity)).status == 304);
}

BOOST_AUTO_TEST_CASE(if_none_match_uses_weak_comparison) {
  BOOST_TEST(get("/en/atom.xml", weak(Coding::identity)).status == 304);
}

BOOST_AUTO_TEST_CASE(if_none_match_star_matches_an_existing_resource) {
  BOOST_TEST(get("/en/atom.xml", "*").status == 304);
}

BOOST_AUTO_TEST_CASE(if_none_match_list_matches_any_member) {
  const std::string list = "\"nope\", W/\"other\" ,\t" + etag(Coding::identity) + ", \"x\"";
  BOOST_TEST(get("/en/atom.xml", list).status == 304);
  BOOST_TEST(get("/en/atom.xml", std::string_view("\"nope\", W/\"other\"")).status == 200);
}

BOOST_AUTO_TEST_CASE(if_none_match_mismatch_gives_200) {
  BOOST_TEST(get("/en/atom.xml", std::string_view("\"stale\"")).status == 200);
  BOOST_TEST(get("/en/atom.xml", std::string_view("garbage")).status == 200);
}

BOOST_AUTO_TEST_CASE(if_none_match_wins_over_if_modified_since) {
  // A matching IMS must not turn a failed INM into a 304 (RFC 9110 §13.1.3) ...
  BOOST_TEST(
      get("/en/atom.xml", std::string_view("\"stale\""), "Sat, 01 Mar 2025 00:00:00 GMT").status ==
      200);
  // ... and an old IMS must not turn a matching INM into a 200.
  BOOST_TEST(get("/en/atom.xml", etag(Coding::identity), "Sun, 01 Jan 2000 00:00:00 GMT").status ==
             304);
}

BOOST_AUTO_TEST_CASE(if_modified_since_accepts_all_three_date_formats) {
  BOOST_TEST(get("/en/atom.xml", {}, "Thu, 02 Jan 2025 00:00:00 GMT").status == 304);
  BOOST_TEST(get("/en/atom.xml", {}, "Thursday, 02-Jan-25 00:00:00 GMT").status == 304);
  BOOST_TEST(get("/en/atom.xml", {}, "Thu Jan  2 00:00:00 2025").status == 304);
  // One second earlier than Last-Modified: modified since then.
  BOOST_TEST(get("/en/atom.xml", {}, "Wed, 01 Jan 2025 23:59:59 GMT").status == 200);
  BOOST_TEST(get("/en/atom.xml", {}, "Wednesday, 01-Jan-25 23:59:59 GMT").status == 200);
  BOOST_TEST(get("/en/atom.xml", {}, "Wed Jan  1 23:59:59 2025").status == 200);
}

BOOST_AUTO_TEST_CASE(invalid_if_modified_since_is_ignored) {
  BOOST_TEST(get("/en/atom.xml", {}, "yesterday").status == 200);
  BOOST_TEST(get("/en/atom.xml", {}, "Fri, 02 Jan 2025 00:00:00 GMT").status == 200);  // weekday
  BOOST_TEST(get("/en/atom.xml", {}, "Thu, 02 Jan 2025 00:00:00 GMT, x").status == 200);
  BOOST_TEST(get("/en/atom.xml", {}, "2025-01-02T00:00:00Z").status == 200);
}

// RFC 9110 §13.2.2: If-Match (strong comparison) first, If-Unmodified-Since only without it;
// either false gives 412 before If-None-Match or If-Modified-Since are looked at.
BOOST_AUTO_TEST_CASE(if_match_and_if_unmodified_since_give_412_when_false) {
  const auto with = [&](std::optional<std::string_view> if_match,
                        std::optional<std::string_view> ius,
                        std::optional<std::string_view> inm = {}, std::string_view method = "GET",
                        std::optional<std::string_view> accept_encoding = {}) {
    Request request;
    request.method = method;
    request.target = "/en/atom.xml";
    request.if_match = if_match;
    request.if_unmodified_since = ius;
    request.if_none_match = inm;
    request.accept_encoding = accept_encoding;
    return route(request, *snapshot, context);
  };
  const std::string current = etag(Coding::identity);
  BOOST_TEST(with(current, {}).status == 200);
  BOOST_TEST(with("*", {}).status == 200);
  BOOST_TEST(with("\"a\", " + current, {}).status == 200);
  BOOST_TEST(with(current, {}, current).status == 304);  // then If-None-Match as usual
  Response stale = with("\"stale\"", {});
  BOOST_TEST(stale.status == 412);
  BOOST_TEST(header(stale, "ETag") == current);
  BOOST_TEST(header(stale, "Last-Modified") == "Thu, 02 Jan 2025 00:00:00 GMT");
  BOOST_TEST(header(stale, "Vary") == "Accept-Encoding");
  BOOST_TEST(header(stale, "Date") == date_text);
  BOOST_TEST(stale.body() == "precondition failed\n");
  BOOST_TEST(with(weak(Coding::identity), {}).status == 412);      // strong comparison
  BOOST_TEST(with(current, {}, {}, "GET", "gzip").status == 412);  // gzip has its own ETag
  BOOST_TEST(with(etag(Coding::gzip), {}, {}, "GET", "gzip").status == 200);
  BOOST_TEST(with("garbage", {}).status == 412);
  Response head = with("\"stale\"", {}, {}, "HEAD");
  BOOST_TEST(head.status == 412);
  BOOST_TEST(head.head);
  // A failed If-Match wins over a matching If-None-Match.
  BOOST_TEST(with("\"stale\"", {}, current).status == 412);

  // Last-Modified is Thu, 02 Jan 2025 00:00:00 GMT.
  BOOST_TEST(with({}, "Thu, 02 Jan 2025 00:00:00 GMT").status == 200);
  BOOST_TEST(with({}, "Sat, 01 Mar 2025 00:00:00 GMT").status == 200);
  BOOST_TEST(with({}, "Wed, 01 Jan 2025 23:59:59 GMT").status == 412);
  BOOST_TEST(with({}, "Wednesday, 01-Jan-25 23:59:59 GMT").status == 412);
  BOOST_TEST(with({}, "not a date").status == 200);                          // ignored
  BOOST_TEST(with(current, "Wed, 01 Jan 2025 23:59:59 GMT").status == 200);  // If-Match wins
  BOOST_TEST(with({}, "Thu, 02 Jan 2025 00:00:00 GMT", current).status == 304);
}

BOOST_AUTO_TEST_CASE(if_match_comparison_is_strong) {
  const std::string tag = "\"abc\"";
  BOOST_TEST(if_match_matches(tag, tag));
  BOOST_TEST(if_match_matches("*", tag));
  BOOST_TEST(if_match_matches("W/\"x\", " + tag, tag));
  BOOST_TEST(!if_match_matches("W/" + tag, tag));
  BOOST_TEST(!if_match_matches("\"abcd\"", tag));
  BOOST_TEST(!if_match_matches("", tag));
  BOOST_TEST(if_none_match_matches("W/" + tag, tag));  // the same list, compared weakly
}

BOOST_AUTO_TEST_CASE(identity_etag_does_not_match_the_gzip_representation) {
  BOOST_REQUIRE(resource->get(Coding::gzip) != nullptr);
  Response r = get("/en/atom.xml", etag(Coding::identity), {}, "gzip");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(header(r, "Content-Encoding") == "gzip");
  BOOST_TEST(header(r, "ETag") == etag(Coding::gzip));
  BOOST_TEST(get("/en/atom.xml", etag(Coding::gzip), {}, "gzip").status == 304);
  BOOST_TEST(get("/en/atom.xml", etag(Coding::gzip)).status == 200);  // identity selected
}

BOOST_AUTO_TEST_CASE(not_modified_carries_the_required_headers_and_no_body) {
  Response r = get("/en/atom.xml", etag(Coding::gzip), {}, "gzip");
  BOOST_TEST(r.status == 304);
  BOOST_TEST(header(r, "ETag") == etag(Coding::gzip));
  BOOST_TEST(header(r, "Vary") == "Accept-Encoding");
  BOOST_TEST(header(r, "Cache-Control") == "public, max-age=300");
  BOOST_TEST(header(r, "Last-Modified") == "Thu, 02 Jan 2025 00:00:00 GMT");
  BOOST_TEST(header(r, "Date") == date_text);
  BOOST_TEST(header(r, "Content-Encoding") == "<absent>");
  BOOST_TEST(r.body().empty());
}

BOOST_AUTO_TEST_CASE(last_modified_is_never_later_than_date) {
  // A feed whose newest entry claims to be from the future is clamped to the build time.
  std::vector<feeds::ResourceSource> sources;
  sources.push_back({"/f.xml", "application/rss+xml", "x", kNow + days(365), true});
  auto future = feeds::Snapshot::build(std::move(sources), kBuilt, 1, nullptr, {});
  Request request;
  request.method = "GET";
  request.target = "/f.xml";
  Response r = route(request, *future, context);
  auto last_modified = feeds::parse_http_date(header(r, "Last-Modified"), kNow);
  auto date = feeds::parse_http_date(header(r, "Date"), kNow);
  BOOST_REQUIRE(last_modified && date);
  BOOST_TEST((*last_modified <= *date));
  BOOST_TEST((*last_modified == kBuilt));
}

BOOST_AUTO_TEST_CASE(accept_encoding_honours_q_values) {
  const auto& res = *resource;
  BOOST_TEST((choose_coding(res, std::nullopt) == Coding::identity));
  BOOST_TEST((choose_coding(res, "") == Coding::identity));
  BOOST_TEST((choose_coding(res, "gzip") == Coding::gzip));
  BOOST_TEST((choose_coding(res, "x-gzip") == Coding::gzip));
  BOOST_TEST((choose_coding(res, "gzip, deflate, br") == Coding::br));
  BOOST_TEST((choose_coding(res, "br;q=0.5, gzip;q=0.8") == Coding::gzip));
  BOOST_TEST((choose_coding(res, "br;q=0, gzip") == Coding::gzip));
  BOOST_TEST((choose_coding(res, "gzip;q=0, br;q=0") == Coding::identity));
  BOOST_TEST((choose_coding(res, "*") == Coding::br));
  BOOST_TEST((choose_coding(res, "*;q=0.5, br;q=0") == Coding::gzip));
  BOOST_TEST((choose_coding(res, "identity;q=1, gzip;q=0.5") == Coding::identity));
  BOOST_TEST((choose_coding(res, "GZIP;Q=1.0") == Coding::gzip));
  BOOST_TEST((choose_coding(res, "gzip;q=2") == Coding::identity));  // invalid qvalue
  BOOST_TEST((choose_coding(res, "deflate") == Coding::identity));
  // Identity excluded and nothing else acceptable: identity anyway (RFC 9110 §12.5.3).
  BOOST_TEST((choose_coding(res, "identity;q=0, deflate") == Coding::identity));
}

BOOST_AUTO_TEST_CASE(coding_names_match_ignoring_ascii_case_only) {
  // Each of "br", "gzip" and "identity" with one byte changed to any other byte (bar the
  // list's and parameters' delimiters): named exactly when the change is the letter's
  // other case (content_coding.cpp compares them a word at a time; this pins what it takes).
  const auto& res = *resource;
  for (std::string_view name : {"br", "gzip", "identity"}) {
    for (std::size_t at = 0; at < name.size(); ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        const char c = static_cast<char>(byte);
        if (c == ',' || c == ';' || c == ' ' || c == '\t') {
          continue;
        }
        std::string variant(name);
        variant[at] = c;
        const bool same = c == name[at] || c == static_cast<char>(name[at] - 0x20);
        if (name == "identity") {  // preferred over br only when named
          BOOST_TEST((choose_coding(res, "br;q=0.5, " + variant) ==
                      (same ? Coding::identity : Coding::br)));
        } else {
          const Coding coding = name == "br" ? Coding::br : Coding::gzip;
          BOOST_TEST((choose_coding(res, variant) == (same ? coding : Coding::identity)));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(small_bodies_are_not_compressed) {
  const feeds::Resource* page = snapshot->find("/en/");
  BOOST_REQUIRE(page != nullptr);
  BOOST_TEST(page->get(Coding::gzip) == nullptr);  // gzip of 11 bytes is larger
  Response r = get("/en/", {}, {}, "gzip");
  BOOST_TEST(header(r, "Content-Encoding") == "<absent>");
  BOOST_TEST(header(r, "Vary") == "Accept-Encoding");
}

BOOST_AUTO_TEST_CASE(head_has_the_get_headers_and_no_body_sent) {
  Response g = get("/en/atom.xml", {}, {}, "gzip");
  Response h = get("/en/atom.xml", {}, {}, "gzip", "HEAD");
  BOOST_TEST(h.status == 200);
  BOOST_TEST(h.head);
  BOOST_TEST(!g.head);
  BOOST_TEST(header(h, "ETag") == header(g, "ETag"));
  BOOST_TEST(header(h, "Content-Encoding") == "gzip");
  BOOST_TEST(h.body().size() == g.body().size());  // Content-Length of the GET
  BOOST_TEST(get("/en/atom.xml", etag(Coding::identity), {}, {}, "HEAD").status == 304);
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_404) {
  BOOST_TEST(get("/nope.xml").status == 404);
  BOOST_TEST(get("/en/atom.xml/").status == 404);
  BOOST_TEST(get("/EN/ATOM.XML").status == 404);
}

// RFC 3986 §6.2.2.2: an escaped unreserved character is the character itself.
BOOST_AUTO_TEST_CASE(escaped_unreserved_characters_are_the_characters) {
  BOOST_TEST(get("/en/%61tom.xml").status == 200);
  BOOST_TEST(get("/%65%6E/atom%2Exml?x=%61").status == 200);
  BOOST_TEST(get("/en/atom%2exml").status == 200);  // either case of hex
  BOOST_TEST(get("/en%2Fatom.xml").status == 404);  // a reserved one stays escaped
  BOOST_TEST(get("/en/atom.xml%").status == 404);   // a stray '%'
  BOOST_TEST(get("/en/atom.xm%6").status == 404);   // a cut escape
  BOOST_TEST(header(get("/%65n"), "Location") == "/en/");
  std::string buffer;
  const std::string_view plain = "/en/atom.xml";
  BOOST_TEST(normalize_path(plain, buffer).data() == plain.data());  // nothing copied
  BOOST_TEST(normalize_path("/ja/tags/%E8%8C%B6/%7Eatom.xml", buffer) ==
             "/ja/tags/%E8%8C%B6/~atom.xml");
  BOOST_TEST(normalize_path("/a%2D%5F%7e%30", buffer) == "/a-_~0");
  BOOST_TEST(normalize_path("/%25%41", buffer) == "/%25A");  // "%25" is '%': reserved-like
}

BOOST_AUTO_TEST_CASE(other_methods_are_405_with_allow) {
  Response r = get("/en/atom.xml", {}, {}, {}, "POST");
  BOOST_TEST(r.status == 405);
  BOOST_TEST(header(r, "Allow") == "GET, HEAD");
  BOOST_TEST(get("/en/", {}, {}, {}, "DELETE").status == 405);
  Response hook = get("/hooks/rebuild");
  BOOST_TEST(hook.status == 405);
  BOOST_TEST(header(hook, "Allow") == "POST");
}

BOOST_AUTO_TEST_CASE(query_strings_are_ignored_and_absolute_form_is_accepted) {
  BOOST_TEST(get("/en/atom.xml?utm_source=x").status == 200);
  BOOST_TEST(get("http://feeds.example/en/atom.xml").status == 200);
  Response options = get("*", {}, {}, {}, "OPTIONS");  // RFC 9110 §9.3.7: the server
  BOOST_TEST(options.status == 200);
  BOOST_TEST(header(options, "Allow") == "GET, HEAD, POST");
  BOOST_TEST(options.body().empty());
  BOOST_TEST(header(options, "Content-Type") == "<absent>");
  BOOST_TEST(header(options, "Date") == date_text);
  BOOST_TEST(get("*").status == 400);  // asterisk-form is for OPTIONS only
  BOOST_TEST(get("*", {}, {}, {}, "HEAD").status == 400);
  BOOST_TEST(get("en/atom.xml").status == 400);
  BOOST_TEST(get("HTTPS://feeds.example/en/atom.xml#top").status == 200);
  BOOST_TEST(get("ftp://feeds.example/en/atom.xml").status == 400);
}

BOOST_AUTO_TEST_CASE(request_path_of_every_target_form) {
  auto path = [](std::string_view target) {
    return std::string(request_path(target).value_or("<none>"));
  };
  BOOST_TEST(path("/en/atom.xml?x=/y") == "/en/atom.xml");
  BOOST_TEST(path("/en/atom.xml#top?x") == "/en/atom.xml");
  BOOST_TEST(path("/") == "/");
  BOOST_TEST(path("/?") == "/");
  BOOST_TEST(path("/en/atom.xml") == "/en/atom.xml");
  BOOST_TEST(path("http://host/en/atom.xml?x=1") == "/en/atom.xml");
  BOOST_TEST(path("http://host") == "/");
  BOOST_TEST(path("http://host?q=/en/atom.xml") == "/");  // a slash in the query is no path
  BOOST_TEST(path("http://host:8080/healthz") == "/healthz");
  BOOST_TEST(path("*") == "<none>");
  BOOST_TEST(path("host:443") == "<none>");  // authority-form (CONNECT)
  BOOST_TEST(path("") == "<none>");
}

BOOST_AUTO_TEST_CASE(language_without_slash_redirects) {
  Response r = get("/en");
  BOOST_TEST(r.status == 301);
  BOOST_TEST(header(r, "Location") == "/en/");
  BOOST_TEST(header(get("/en?utm_source=x&a=%20"), "Location") == "/en/?utm_source=x&a=%20");
  BOOST_TEST(header(get("http://blog.example.org/en?x=1"), "Location") == "/en/?x=1");
  BOOST_TEST(get("/de").status == 404);
}

BOOST_AUTO_TEST_CASE(healthz_metrics_and_hook) {
  Response health = get("/healthz");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(health.body() == "ok\n");
  metrics.record(RouteKind::feed, 304, 100);
  Response m = get("/metrics");
  BOOST_TEST(m.status == 200);
  BOOST_TEST(m.body().find("feedd_http_requests_total{route=\"feed\",status=\"304\"} 1") !=
             std::string_view::npos);
  BOOST_TEST(m.body().find("feedd_http_not_modified_total 1") != std::string_view::npos);
  BOOST_TEST(m.body().find("feedd_snapshot_generation 1") != std::string_view::npos);
  BOOST_TEST(m.body().find("feedd_snapshot_age_seconds 3600") != std::string_view::npos);
  Response hook = get("/hooks/rebuild", {}, {}, {}, "POST");
  BOOST_TEST(hook.status == 401);  // no endpoint: nothing can verify, nothing runs
  BOOST_TEST(header(hook, "Content-Type") == "application/json");
}

BOOST_AUTO_TEST_CASE(healthz_and_metrics_report_an_index_that_cannot_be_written) {
  metrics.index_health().set_not_writable("database or disk is full");
  Response health = get("/healthz");
  BOOST_TEST(health.status == 200);  // it still serves: keep it in rotation
  BOOST_TEST(health.body() == "degraded: index not writable: database or disk is full\n");
  Response m = get("/metrics");
  BOOST_TEST(m.body().find("feedd_index_writable 0\n") != std::string_view::npos);
  BOOST_TEST(m.body().find("feedd_index_write_errors_total 1\n") != std::string_view::npos);
  metrics.index_health().set_writable();
  BOOST_TEST(get("/healthz").body() == "ok\n");
  BOOST_TEST(get("/metrics").body().find("feedd_index_writable 1\n") != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(browsers_get_the_feed_as_xml_with_its_own_etag) {
  std::vector<feeds::ResourceSource> sources;
  sources.push_back({"/rss.xml", "application/rss+xml; charset=utf-8", feed_body(), kUpdated, true,
                     "application/xml; charset=utf-8"});
  auto negotiated = feeds::Snapshot::build(std::move(sources), kBuilt, 1, nullptr, {});
  auto fetch = [&](std::optional<std::string_view> accept, std::optional<std::string_view> inm) {
    Request request;
    request.method = "GET";
    request.target = "/rss.xml";
    request.accept = accept;
    request.if_none_match = inm;
    return route(request, *negotiated, context);
  };
  const std::string_view chromium =
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
  const std::string_view reader = "application/rss+xml, application/xml;q=0.9, text/html;q=0.1";
  Response browser = fetch(chromium, {});
  Response feed = fetch(reader, {});
  Response none = fetch({}, {});
  BOOST_TEST(header(browser, "Content-Type") == "application/xml; charset=utf-8");
  BOOST_TEST(header(feed, "Content-Type") == "application/rss+xml; charset=utf-8");
  BOOST_TEST(header(none, "Content-Type") == "application/rss+xml; charset=utf-8");
  BOOST_TEST(header(browser, "ETag") != header(feed, "ETag"));
  BOOST_TEST(header(browser, "Vary") == "Accept-Encoding, Accept");
  BOOST_TEST(header(feed, "Vary") == "Accept-Encoding, Accept");
  BOOST_TEST(fetch(chromium, header(browser, "ETag")).status == 304);
  BOOST_TEST(fetch(reader, header(feed, "ETag")).status == 304);
  BOOST_TEST(fetch(reader, header(browser, "ETag")).status == 200);
}

BOOST_AUTO_TEST_CASE(the_fullest_response_fits_and_one_field_more_aborts) {
  // The fullest route: a feed, compressed.
  Response full = get("/en/atom.xml", {}, {}, "gzip");
  BOOST_TEST(full.status == 200);
  BOOST_TEST(full.headers().size() == 7u);
  BOOST_TEST(header(full, "Content-Encoding") == "gzip");

  // Past kMaxHeaders the router has a bug: the process says so and aborts instead of
  // dropping the field. Checked in a child process, whose stderr we read.
  int err[2];
  BOOST_REQUIRE(::pipe(err) == 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::signal(SIGABRT, SIG_DFL);  // Boost.Test's handler would turn the abort into a report
    ::dup2(err[1], 2);
    Response response;
    for (std::size_t i = 0; i <= Response::kMaxHeaders; ++i) {
      response.add("X-Field", "v");
    }
    ::_exit(0);  // not reached when add() refuses the 11th field
  }
  ::close(err[1]);
  std::string said;
  char buffer[512];
  for (ssize_t n; (n = ::read(err[0], buffer, sizeof buffer)) > 0;) {
    said.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(err[0]);
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT));
  BOOST_TEST(said.find("more than 10 header fields in a response (adding X-Field)") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(date_cache_formats_once_per_second) {
  DateCache cache;
  std::string_view first = cache.text(kNow);
  BOOST_TEST(first == "Sat, 01 Mar 2025 01:00:00 GMT");
  BOOST_TEST(cache.text(kNow).data() == first.data());
  BOOST_TEST(cache.text(kNow + seconds(1)) == "Sat, 01 Mar 2025 01:00:01 GMT");
}

// Header names compare ASCII case-insensitively and nothing else: '@' (0x40) and '`' (0x60)
// differ only in bit 0x20, as 'A' and 'a' do, but are different characters.
BOOST_AUTO_TEST_CASE(header_lookup_folds_letters_only) {
  Response r;
  r.add("X-Feed@Name", "at");
  r.add("X-Feed[1]", "brackets");
  BOOST_TEST(header(r, "x-feed@name") == "at");
  BOOST_TEST(header(r, "X-Feed`Name") == "<absent>");
  BOOST_TEST(header(r, "X-Feed{1}") == "<absent>");
}

// The head is written in one go from measured parts: every byte in its place, the status
// line's number and reason, Content-Length except on a 304, Connection as the caller asks.
BOOST_AUTO_TEST_CASE(serialized_heads_byte_for_byte) {
  Response ok;
  ok.add("Date", "Sat, 01 Mar 2025 01:00:00 GMT");
  ok.add("ETag", "\"e1\"");
  ok.set_body("hello");
  std::string out = "left over from the last response, longer than the next head";
  serialize_head(ok, true, false, out);
  BOOST_TEST(out ==
             "HTTP/1.1 200 OK\r\nDate: Sat, 01 Mar 2025 01:00:00 GMT\r\nETag: \"e1\"\r\n"
             "Content-Length: 5\r\n\r\n");
  Response unchanged;
  unchanged.status = 304;
  unchanged.add("ETag", "\"e1\"");
  serialize_head(unchanged, true, true, out);
  BOOST_TEST(out == "HTTP/1.1 304 Not Modified\r\nETag: \"e1\"\r\nConnection: keep-alive\r\n\r\n");
  Response moved;
  moved.status = 301;
  moved.location = "/en/";
  moved.set_owned_body(std::string(1234567, 'x'));
  serialize_head(moved, false, false, out);
  BOOST_TEST(out ==
             "HTTP/1.1 301 Moved Permanently\r\nLocation: /en/\r\nContent-Length: 1234567\r\n"
             "Connection: close\r\n\r\n");
  Response head;  // HEAD: the body's Content-Length, and Connection: close wins over HTTP/1.0
  head.head = true;
  head.set_body("twelve bytes");
  serialize_head(head, false, true, out);
  BOOST_TEST(out == "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\n");
  // An empty value with no bytes behind it (RouteContext{} has no Date text): nothing is
  // copied from its null data (UBSan, in CI, would stop at a memcpy from null).
  serialize_head(error_response(400, RouteContext{}), false, false, out);
  BOOST_TEST(out.starts_with("HTTP/1.1 400 Bad Request\r\nDate: \r\n"));
  Response empty;
  empty.status = 599;
  serialize_head(empty, true, false, out);
  BOOST_TEST(out == "HTTP/1.1 599 Unknown\r\nContent-Length: 0\r\n\r\n");
}

// A pooled Response is cleared, not rebuilt: it must then be a default Response, holding
// nothing of the last one (its body's owner above all).
BOOST_AUTO_TEST_CASE(a_cleared_response_is_a_default_one) {
  auto owner = std::make_shared<const std::string>("cached delta");
  Response r;
  r.status = 226;
  r.route = RouteKind::feed;
  r.head = true;
  r.add("IM", "feed");
  r.location = "/x/";
  r.set_owned_body("owned");
  r.set_body(*owner, 7);
  r.body_owner = owner;
  r.clear();
  const Response fresh;
  BOOST_TEST(r.status == fresh.status);
  BOOST_TEST((r.route == fresh.route));
  BOOST_TEST(r.head == fresh.head);
  BOOST_TEST(r.headers().size() == 0u);
  BOOST_TEST(r.body().empty());
  BOOST_TEST(r.location.empty());
  BOOST_TEST(r.body_file == -1);
  BOOST_TEST(r.body_owner == nullptr);
  BOOST_TEST(owner.use_count() == 1);
  r.set_owned_body("again");
  r.clear();
  BOOST_TEST(r.body().empty());  // not the owned body either
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
