#include "daemon/http/router.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "common/encoding.h"
#include "common/text.h"
#include "daemon/hooks/webhook_endpoint.h"
#include "daemon/http/delta_feeds.h"
#include "daemon/http/http_syntax.h"
#include "daemon/websub/websub_service.h"
#include "feeds/feed_info.h"
#include "feeds/http_date.h"

namespace feedd::daemon {
namespace {

using common::text::iequals;
using feeds::Coding;
using http_syntax::is_ows;

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kAllowGetHead = "GET, HEAD";
constexpr std::string_view kDeltaCacheControl = "no-store, im";  // RFC 3229 §10.5.2

Response simple(int status, RouteKind route, std::string_view body, const RouteContext& context,
                std::string_view content_type = kTextPlain) {
  Response response;
  response.status = status;
  response.route = route;
  response.add("Date", context.date);
  response.add("Content-Type", content_type);
  response.set_body(body);
  return response;
}

Response method_not_allowed(RouteKind route, std::string_view allow, const RouteContext& context) {
  Response response = simple(405, route, "method not allowed\n", context);
  response.add("Allow", allow);
  return response;
}

// The length of `path` up to its query or fragment. A loop, not find_first_of("?#"), which
// calls memchr over "?#" once per byte (this runs twice for every request).
std::size_t before_query(std::string_view path) {
  std::size_t end = 0;
  while (end < path.size() && path[end] != '?' && path[end] != '#') {
    ++end;
  }
  return end;
}

RouteKind kind_of(std::string_view path) {
  if (feeds::is_feed_path(path)) {
    return RouteKind::feed;
  }
  if (path.ends_with("/")) {
    return RouteKind::page;
  }
  return RouteKind::asset;
}

// RFC 9110 §13.2.2 steps 1-2, for a resource that exists: If-Match, else If-Unmodified-Since
// (ignored when it does not parse or the resource has no date). True: answer 412.
bool precondition_failed(const Request& request, const feeds::Resource& resource,
                         std::string_view etag, std::chrono::sys_seconds now) {
  if (request.if_match) {
    return !if_match_matches(*request.if_match, etag);
  }
  if (request.if_unmodified_since && !resource.last_modified_text.empty()) {
    auto since = feeds::parse_http_date(*request.if_unmodified_since, now);
    return since && resource.last_modified > *since;
  }
  return false;
}

// Steps 3-4 (for GET and HEAD, the only methods a resource answers).
bool not_modified(const Request& request, const feeds::Resource& resource, std::string_view etag,
                  std::chrono::sys_seconds now) {
  // RFC 9110 §13.2.2: If-None-Match first; If-Modified-Since only when it is absent.
  if (request.if_none_match) {
    return if_none_match_matches(*request.if_none_match, etag);
  }
  if (request.if_modified_since) {
    auto since = feeds::parse_http_date(*request.if_modified_since, now);
    return since && !resource.last_modified_text.empty() && resource.last_modified <= *since;
  }
  return false;
}

// RFC 3229: the delta for a request that asks for `A-IM: feed` with an If-None-Match naming
// an earlier version of an Atom or RSS feed (never for the browser view), or null.
std::shared_ptr<const feeds::Resource> find_delta(const Request& request,
                                                  const feeds::Resource& resource, Coding coding,
                                                  bool browser, const RouteContext& context) {
  if (context.deltas == nullptr || browser || resource.versions == nullptr || !request.a_im ||
      !request.if_none_match || !asks_for_feed_delta(*request.a_im)) {
    return nullptr;
  }
  return context.deltas->find(resource, coding, *request.if_none_match);
}

Response serve_resource(const Request& request, const feeds::Resource& resource,
                        const RouteContext& context) {
  const Coding coding = choose_coding(resource, request.accept_encoding);
  const feeds::Representation& representation = *resource.get(coding);
  const bool negotiates_type = !resource.browser_content_type.empty();
  const bool browser = negotiates_type && wants_browser_view(request.accept);
  const std::string_view etag = browser ? representation.browser_etag : representation.etag;
  Response response;
  response.route = kind_of(resource.path);
  response.head = request.method == "HEAD";
  response.add("Date", context.date);
  response.add("ETag", etag);
  if (!resource.last_modified_text.empty()) {
    response.add("Last-Modified", resource.last_modified_text);
  }
  // Rare fields: one test each of a null pointer on the 304 path.
  if ((request.if_match || request.if_unmodified_since) &&
      precondition_failed(request, resource, etag, context.now)) {
    Response failed = simple(412, response.route, "precondition failed\n", context);
    failed.head = response.head;
    // The validators the conditions were tested against, and what they depend on.
    failed.add("ETag", etag);
    if (!resource.last_modified_text.empty()) {
      failed.add("Last-Modified", resource.last_modified_text);
    }
    failed.add("Vary", negotiates_type ? "Accept-Encoding, Accept" : "Accept-Encoding");
    return failed;
  }
  const bool unchanged = not_modified(request, resource, etag, context.now);
  // Only after the 304 decision, so that a 304 costs what it did before deltas existed.
  std::shared_ptr<const feeds::Resource> delta =
      unchanged ? nullptr : find_delta(request, resource, coding, browser, context);
  response.add("Cache-Control", delta ? kDeltaCacheControl : context.cache_control);
  response.add("Vary", negotiates_type ? "Accept-Encoding, Accept" : "Accept-Encoding");
  if (unchanged) {
    response.status = 304;
    return response;
  }
  response.add("Content-Type", browser ? resource.browser_content_type : resource.content_type);
  if (!resource.link.empty()) {
    response.add("Link", resource.link);
  }
  if (coding != Coding::identity) {
    response.add("Content-Encoding", feeds::coding_name(coding));
  }
  if (delta) {
    response.status = 226;
    response.add("IM", "feed");
    response.set_body(delta->get(Coding::identity)->body);
    response.body_owner = std::move(delta);
    return response;
  }
  response.set_body(representation.body, representation.file.fd());
  return response;
}

// POST /websub: the built-in hub's answer (202, or 400 for a malformed request).
Response websub_hub(const Request& request, const RouteContext& context) {
  if (request.method != "POST") {
    return method_not_allowed(RouteKind::websub, "POST", context);
  }
  auto answer = context.websub->handle(request.body);
  Response response = simple(answer.status, RouteKind::websub, "", context);
  response.set_owned_body(std::move(answer.body));
  return response;
}

// POST /hooks/rebuild: answered by the WebhookEndpoint, or 401 when none is configured.
Response hook_rebuild(const Request& request, const RouteContext& context) {
  if (request.method != "POST") {
    return method_not_allowed(RouteKind::hook, "POST", context);
  }
  Response response = simple(401, RouteKind::hook, "", context, "application/json");
  if (context.hooks == nullptr) {
    response.set_body("{\"status\":\"refused\",\"reason\":\"webhooks not configured\"}\n");
    return response;
  }
  auto answer = context.hooks->handle(request.webhook, request.body);
  response.status = answer.status;
  response.set_owned_body(std::move(answer.body));
  return response;
}

// GET /healthz (`health`) or /metrics (context.metrics set), never cached.
Response health_or_metrics(const Request& request, bool health, const feeds::Snapshot& snapshot,
                           const RouteContext& context) {
  const RouteKind kind = health ? RouteKind::healthz : RouteKind::metrics;
  if (request.method != "GET" && request.method != "HEAD") {
    return method_not_allowed(kind, kAllowGetHead, context);
  }
  Response response = simple(200, kind, "ok\n", context, health ? kTextPlain : kPrometheusText);
  response.head = request.method == "HEAD";
  response.add("Cache-Control", "no-store");
  // Still 200 when the index cannot be written: the replica serves its last snapshot, so
  // a load balancer should keep it; the body says what is wrong.
  if (health && context.metrics != nullptr && !context.metrics->index_health().writable()) {
    response.set_owned_body(context.metrics->index_health().detail() + "\n");
  }
  if (!health) {
    response.set_owned_body(context.metrics->render(snapshot, context.now));
  }
  return response;
}

}  // namespace

void Response::clear() {
  status = 200;
  route = RouteKind::other;
  head = false;
  location.clear();
  body_file = -1;
  body_owner.reset();
  header_count_ = 0;  // the fields past it are never read
  body_ = {};
  owned_body_.clear();
  owned_ = false;
}

void Response::add(std::string_view name, std::string_view value) {
  if (header_count_ == headers_.size()) {
    // A route sets more fields than kMaxHeaders: a bug, caught by the first test that takes
    // the route. Written with no allocation, as the response is being built.
    std::fprintf(stderr, "feedd: bug: more than %zu header fields in a response (adding %.*s)\n",
                 headers_.size(), static_cast<int>(name.size()), name.data());
    std::abort();
  }
  headers_[header_count_++] = Header{name, value};
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  if (!location.empty() && iequals(name, "Location")) {
    return std::string_view(location);
  }
  for (const Header& field : headers()) {
    if (iequals(field.name, name)) {
      return field.value;
    }
  }
  return std::nullopt;
}

bool wants_browser_view(std::optional<std::string_view> accept) {
  if (!accept || accept->find("text/html") == std::string_view::npos) {
    return false;
  }
  for (std::string_view feed_type :
       {"application/atom+xml", "application/rss+xml", "application/feed+json"}) {
    if (accept->find(feed_type) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

namespace {

// A list of entity-tags (RFC 9110 §8.8.3, §13.1.1-§13.1.2) against `etag` ("\"...\"", strong):
// "*" matches; a weak member matches only when `weak_members` (weak comparison).
bool etag_list_matches(std::string_view field, std::string_view etag, bool weak_members) {
  std::size_t i = 0;
  while (i < field.size()) {
    while (i < field.size() && (is_ows(field[i]) || field[i] == ',')) {
      ++i;
    }
    if (i >= field.size()) {
      break;
    }
    if (field[i] == '*') {
      return true;
    }
    bool weak = false;
    if (field.compare(i, 2, "W/") == 0) {
      weak = true;
      i += 2;
    }
    if (i >= field.size() || field[i] != '"') {
      return false;  // malformed list: nothing after this point can be trusted
    }
    const std::size_t close = field.find('"', i + 1);
    if (close == std::string_view::npos) {
      return false;
    }
    if ((weak_members || !weak) && field.substr(i, close + 1 - i) == etag) {
      return true;
    }
    i = close + 1;
  }
  return false;
}

}  // namespace

bool if_none_match_matches(std::string_view field, std::string_view etag) {
  return etag_list_matches(field, etag, true);
}

bool if_match_matches(std::string_view field, std::string_view etag) {
  return etag_list_matches(field, etag, false);
}

std::optional<std::string_view> request_path(std::string_view target) {
  if (target.starts_with('/')) {
    return target.substr(0, before_query(target));  // origin-form, as nearly every client sends
  }
  // absolute-form (RFC 9112 §3.2.2): the scheme is case-insensitive; the authority is
  // ignored (every host is this site) and an empty path is "/".
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && iequals(target.substr(0, scheme.size()), scheme)) {
      const std::string_view rest = target.substr(scheme.size());
      const std::size_t path_start = rest.find_first_of("/?#");
      if (path_start == std::string_view::npos || rest[path_start] != '/') {
        return std::string_view("/");
      }
      target = rest.substr(path_start);
      break;
    }
  }
  if (target.empty() || target.front() != '/') {
    return std::nullopt;  // asterisk-form, authority-form, or not a URI
  }
  return target.substr(0, before_query(target));
}

std::string_view normalize_path(std::string_view path, std::string& buffer) {
  const auto hex = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
  };
  // The byte an escape at `i` stands for when it is an unreserved one, else -1.
  const auto decodable = [&](std::size_t i) {
    if (i + 2 >= path.size()) {
      return -1;
    }
    const int high = hex(path[i + 1]);
    const int low = hex(path[i + 2]);
    const int byte = high < 0 || low < 0 ? -1 : high * 16 + low;
    return byte >= 0 && common::is_unreserved(static_cast<unsigned char>(byte)) ? byte : -1;
  };
  std::size_t i = path.find('%');
  while (i != std::string_view::npos && decodable(i) < 0) {
    i = path.find('%', i + 1);
  }
  if (i == std::string_view::npos) {
    return path;  // nearly every request: no escape, or none to decode
  }
  buffer.assign(path.substr(0, i));
  for (; i < path.size(); ++i) {
    const int byte = path[i] == '%' ? decodable(i) : -1;
    if (byte >= 0) {
      buffer.push_back(static_cast<char>(byte));
      i += 2;
    } else {
      buffer.push_back(path[i]);
    }
  }
  return buffer;
}

Response error_response(int status, const RouteContext& context) {
  switch (status) {
    case 501:
      return simple(501, RouteKind::other, "transfer coding not implemented\n", context);
    case 505:
      return simple(505, RouteKind::other, "HTTP version not supported\n", context);
    case 413:
      return simple(413, RouteKind::other, "request body too large\n", context);
    case 431:
      return simple(431, RouteKind::other, "request header fields too large\n", context);
    default:
      return simple(status, RouteKind::other, "bad request\n", context);
  }
}

Response too_many_requests(std::string_view retry_after, const RouteContext& context) {
  Response response = simple(429, RouteKind::feed,
                             "too many requests: fetch this feed less often, or conditionally "
                             "(If-None-Match)\n",
                             context);
  response.add("Retry-After", retry_after);
  response.add("Cache-Control", "no-store");
  return response;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 226:
      return "IM Used";
    case 301:
      return "Moved Permanently";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string_view DateCache::text(std::chrono::sys_seconds now) {
  if (now != cached_for_ || text_.empty()) {
    text_ = feeds::format_http_date(now);
    cached_for_ = now;
  }
  return text_;
}

Response route(const Request& request, const feeds::Snapshot& snapshot,
               const RouteContext& context) {
  std::string buffer;  // a Response points into no path: it may go with this frame
  auto path = request_path(request.target);
  if (path) {
    path = normalize_path(*path, buffer);
  }
  return route(request, path, snapshot, context);
}

Response route(const Request& request, std::optional<std::string_view> target_path,
               const feeds::Snapshot& snapshot, const RouteContext& context) {
  if (!target_path) {
    if (request.target == "*" && request.method == "OPTIONS") {  // RFC 9110 §9.3.7
      Response options;  // the server as a whole; no body, so no Content-Type
      options.add("Date", context.date);
      options.add("Allow", "GET, HEAD, POST");
      return options;
    }
    return simple(400, RouteKind::other, "bad request target\n", context);  // `GET *` too
  }
  const std::string_view path = *target_path;
  const bool get_or_head = request.method == "GET" || request.method == "HEAD";

  if (path == "/hooks/rebuild") {
    return hook_rebuild(request, context);
  }
  if (path == "/websub" && context.websub != nullptr) {
    return websub_hub(request, context);
  }
  if (path == "/healthz" || (path == "/metrics" && context.metrics != nullptr)) {
    return health_or_metrics(request, path == "/healthz", snapshot, context);
  }
  if (const feeds::Resource* resource = context.resource ? context.resource : snapshot.find(path)) {
    if (!get_or_head) {
      return method_not_allowed(kind_of(path), kAllowGetHead, context);
    }
    return serve_resource(request, *resource, context);
  }
  if (get_or_head && !path.ends_with('/')) {
    Response redirect = simple(301, RouteKind::redirect, "moved permanently\n", context);
    redirect.location.reserve(path.size() + 1);
    redirect.location.append(path).push_back('/');
    if (snapshot.find(redirect.location) != nullptr) {  // "/ja" -> "/ja/"
      // The query goes along ("/ja?utm=x" -> "/ja/?utm=x"), as a client would expect; the
      // parser has refused any target with bytes that could not be a header's.
      if (const auto query = request.target.find('?'); query != std::string_view::npos) {
        redirect.location.append(request.target.substr(query));
      }
      redirect.head = request.method == "HEAD";
      return redirect;  // Location: see Response::location
    }
  }
  Response missing = simple(404, RouteKind::other, "not found\n", context);
  missing.head = request.method == "HEAD";
  return missing;
}

}  // namespace feedd::daemon
