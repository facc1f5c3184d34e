// The HTTP router: a pure function from a parsed request and the current snapshot to a
// response (the webhook route hands the request to the WebhookEndpoint in the context, which
// only queues work; an RFC 3229 delta comes from the DeltaFeeds in the context, which may
// render it once and cache it). No I/O, no locks, no clock (the caller passes the time and the Date
// text), so it is unit-tested without sockets. A Response may point into the Snapshot and into the
// Request's strings: keep both alive until the response is written. Never throws except
// std::bad_alloc.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "daemon/hooks/webhook_auth.h"
#include "daemon/http/metrics.h"
#include "feeds/snapshot.h"

namespace feedd::daemon {

class DeltaFeeds;
class WebhookEndpoint;
class WebSubService;

struct Request {
  std::string_view method;  // as sent, e.g. "GET"
  std::string_view target;  // origin-form "/ja/atom.xml?x=1" (or absolute-form)
  // Header field values (several fields of one name joined with ", "); nullopt: absent.
  std::optional<std::string_view> if_none_match;
  std::optional<std::string_view> if_modified_since;
  std::optional<std::string_view> if_match;             // RFC 9110 §13.1.1
  std::optional<std::string_view> if_unmodified_since;  // RFC 9110 §13.1.4
  std::optional<std::string_view> accept_encoding;
  std::optional<std::string_view> accept;
  std::optional<std::string_view> a_im;             // RFC 3229 A-IM ("feed" asks for a delta feed)
  std::optional<std::string_view> x_forwarded_for;  // for polite polling behind a proxy
  WebhookHeaders webhook;                           // the signature fields, for POST /hooks/rebuild
  std::string_view body;
};

struct Header {
  std::string_view name;
  std::string_view value;
};

struct Response {
  int status = 200;
  RouteKind route = RouteKind::other;
  bool head = false;  // a HEAD answer: Content-Length of the body, but no body sent
  // Room for the fields the fullest route sets (a feed: Date, ETag, Last-Modified,
  // Cache-Control, Vary, Content-Type, Content-Encoding) with a margin; fixed so that
  // building a response (a 304 above all) never allocates.
  static constexpr std::size_t kMaxHeaders = 10;

  // Back to a default-constructed Response (dropping what it points into), without building
  // one: a pooled RequestBuffers is cleared this way for every request.
  void clear();
  // Appends a field. Adding past kMaxHeaders is a bug in the router, never a silent drop:
  // it reports the field on stderr and aborts, in every build.
  void add(std::string_view name, std::string_view value);
  // The fields added so far, in order (Location aside, see `location`).
  std::span<const Header> headers() const { return {headers_.data(), header_count_}; }
  // The value of the first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  // The body as it would be sent for GET (Content-Length counts it, HEAD omits it).
  std::string_view body() const { return owned_ ? std::string_view(owned_body_) : body_; }
  void set_body(std::string_view shared, int file = -1) {
    body_ = shared;
    owned_ = false;
    body_file = file;
  }
  void set_owned_body(std::string body) {
    owned_body_ = std::move(body);
    owned_ = true;
    body_file = -1;
  }
  // A redirect's Location value; kept out of `headers` (whose views must not point into
  // the Response itself, which moves). header("Location") returns it; the writer sends it.
  std::string location;
  // A read-only descriptor holding body() (a snapshot's MemoryFile), or -1: the writer may
  // sendfile() from it instead of copying body().
  int body_file = -1;
  // Owns what body() points into when neither the snapshot nor the request does (a cached
  // delta, which the cache may drop while the response is written); usually null.
  std::shared_ptr<const void> body_owner;

 private:
  std::array<Header, kMaxHeaders> headers_{};
  std::size_t header_count_ = 0;
  std::string_view body_;
  std::string owned_body_;
  bool owned_ = false;
};

struct RouteContext {
  std::chrono::sys_seconds now{};
  std::string_view date;             // IMF-fixdate of `now` (see DateCache)
  std::string_view cache_control;    // "public, max-age=300", in the snapshot answered from
  const Metrics* metrics = nullptr;  // null: /metrics is 404
  // Answers POST /hooks/rebuild (the one route with an effect: it queues a rescan and
  // returns at once); null: the route answers 401 "not configured" (nothing can verify).
  WebhookEndpoint* hooks = nullptr;
  // The resource at the request's path, found before routing: the snapshot's, or the topic
  // feed or archive page the path names (see topic_feeds.h); null: the router looks in the
  // snapshot. Must live until the response is written.
  const feeds::Resource* resource = nullptr;
  // The built-in WebSub hub (POST /websub, queues a verification and returns at once);
  // null: no hub, the path is 404.
  WebSubService* websub = nullptr;
  // Answers `A-IM: feed` requests that name an earlier version (226); null: never a delta.
  DeltaFeeds* deltas = nullptr;
};

Response route(const Request& request, const feeds::Snapshot& snapshot,
               const RouteContext& context);
// The same for a request whose target's path the caller has taken already (`path`:
// request_path(request.target)); the server takes it once per request.
Response route(const Request& request, std::optional<std::string_view> path,
               const feeds::Snapshot& snapshot, const RouteContext& context);

// The path of a request target, for routing: origin-form "/a/b?q" and absolute-form
// "http://host/a/b?q" give "/a/b" (a view into `target`; "/" for "http://host");
// nullopt for any other form.
std::optional<std::string_view> request_path(std::string_view target);

// RFC 3986 §6.2.2.2: `path` with its percent-encoded unreserved characters (ALPHA, DIGIT,
// "-", ".", "_", "~") decoded, as caches and clients normalise it ("/en/%61tom.xml" is
// "/en/atom.xml"); every other escape ("%2F", "%E8") stays as sent. `path` itself when there
// is nothing to decode (no copy), else a view into `buffer`.
std::string_view normalize_path(std::string_view path, std::string& buffer);

// The answer to a request the server could not parse or accept (the statuses status_of() in
// request_error.h gives: 400, 413, 431, 501, 505): a short text body and Date; the caller
// closes the connection after it.
Response error_response(int status, const RouteContext& context);

// 429 Too Many Requests for an unconditional feed refetch that came too soon (polite
// polling): Retry-After `retry_after` (whole seconds, text that outlives the response),
// Cache-Control: no-store, a one-line text body. Allocates nothing.
Response too_many_requests(std::string_view retry_after, const RouteContext& context);

// "OK", "Not Modified", ... for the status line ("Unknown" for codes we never send).
std::string_view reason_phrase(int status);

// Helpers, exposed for tests.
// The representation to send for `accept_encoding` (nullopt: no Accept-Encoding field):
// the highest q among those `resource` has, ties to the smaller (br, gzip, identity);
// identity when nothing else is acceptable.
feeds::Coding choose_coding(const feeds::Resource& resource,
                            std::optional<std::string_view> accept_encoding);
// True for a browser navigation (Accept names text/html and no feed media type): such
// requests get a resource's browser_content_type (see feeds::Resource).
bool wants_browser_view(std::optional<std::string_view> accept);
// RFC 9110 §13.1.2 weak comparison of `etag` with an If-None-Match value ("*" matches).
bool if_none_match_matches(std::string_view field, std::string_view etag);
// RFC 9110 §13.1.1 strong comparison of `etag` with an If-Match value ("*" matches; a weak
// member never does).
bool if_match_matches(std::string_view field, std::string_view etag);

// Formats the Date header value at most once per second per thread.
class DateCache {
 public:
  std::string_view text(std::chrono::sys_seconds now);

 private:
  std::chrono::sys_seconds cached_for_{};
  std::string text_;
};

}  // namespace feedd::daemon
