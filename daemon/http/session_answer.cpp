#include "daemon/http/session_answer.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/clock.h"
#include "daemon/http/http_io.h"
#include "daemon/http/poll_limiter.h"
#include "daemon/http/request_error.h"
#include "daemon/http/router.h"
#include "daemon/log.h"
#include "feeds/archive_path.h"

namespace feedd::daemon {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

thread_local DateCache t_date_cache;  // this thread's Date header text

RouteContext session_route_context(const ServerShared& shared) {
  RouteContext context;
  context.now = common::now_seconds();
  context.date = t_date_cache.text(context.now);
  context.metrics = &shared.metrics;
  context.hooks = shared.options.hooks;
  context.websub = shared.options.websub;
  context.deltas = shared.options.deltas;
  return context;
}

// Polite polling: after routing (a 304 never gets here), an unconditional GET of a feed that
// comes too soon after the client's last one becomes a 429. Allocates nothing.
void refuse_if_too_soon(RequestBuffers& b, ServerShared& shared, const ClientAddress& peer,
                        std::optional<std::string_view> path, const RouteContext& context) {
  PollLimiter* limiter = shared.options.poll_limiter;
  const RequestHead& request = b.request;
  if (limiter == nullptr || b.response.status != 200 || b.response.route != RouteKind::feed ||
      request.if_none_match.present || request.if_modified_since.present ||
      request.method != "GET") {
    return;
  }
  const ClientAddress client =
      shared.options.trusted_proxies.client_of(peer, request.x_forwarded_for.view());
  const std::uint32_t wait =
      limiter->check(client, path.value_or(request.target), std::chrono::steady_clock::now());
  if (wait == 0) {
    return;
  }
  const auto written =
      std::to_chars(b.retry_after.data(), b.retry_after.data() + b.retry_after.size(), wait);
  b.response = too_many_requests(
      std::string_view(b.retry_after.data(),
                       static_cast<std::size_t>(written.ptr - b.retry_after.data())),
      context);
  shared.metrics.record_poll_refused();
}

}  // namespace

bool prepare_answer(RequestBuffers& b, error_code ec, ServerShared& shared, SessionControl& control,
                    const tcp::socket& socket, const Lookup& lookup,
                    std::shared_ptr<const feeds::Snapshot>& snapshot, const ClientAddress& peer,
                    bool& keep_alive) {
  control.phase.store(SessionPhase::busy, std::memory_order_relaxed);
  control.fresh = false;
  RouteContext context = session_route_context(shared);
  context.resource = lookup.resource;
  keep_alive = false;
  if (ec) {
    const int status = status_of(ec);
    if (status == 0) {
      return false;
    }
    log::debug("http", remote_of(socket) + ": refused request (" + std::to_string(status) +
                           "): " + ec.message());
    b.response = error_response(status, context);
  } else {
    if (snapshot == nullptr) {
      snapshot = shared.store.load();  // once per request
    }
    // The snapshot's lifetimes: a reload that changes them changes them here at once.
    context.cache_control = lookup.topic != nullptr && feeds::parse_archive_path(lookup.topic->path)
                                ? snapshot->archive_cache_control()  // RFC 5005 pages are stable
                                : snapshot->cache_control();
    b.response = route(b.request.to_request(b.body), lookup.path, *snapshot, context);
    refuse_if_too_soon(b, shared, peer, lookup.path, context);
    keep_alive = b.request.keep_alive && !shared.stopping.load(std::memory_order_acquire) &&
                 !control.shed.load(std::memory_order_relaxed);
  }
  serialize_head(b.response, keep_alive, b.request.version == 10, b.head);
  return true;
}

void count_answer(const RequestBuffers& b, std::size_t written, ServerShared& shared,
                  const std::string& remote) {
  shared.metrics.record(b.response.route, b.response.status, written);
  if (shared.options.access_log) {
    log::info("access", remote + " \"" + b.request.method + " " + b.request.target + "\" " +
                            std::to_string(b.response.status) + " " + std::to_string(written));
  }
}

std::string remote_of(const asio::ip::tcp::socket& socket) {
  error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) {
    return "?";
  }
  auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}

ClientAddress peer_of(const tcp::socket& socket) {
  error_code ec;
  const auto address = socket.remote_endpoint(ec).address();
  ClientAddress client{};
  if (ec) {
    return client;
  }
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    client[10] = 0xff;
    client[11] = 0xff;
    std::copy(bytes.begin(), bytes.end(), client.begin() + 12);
  } else {
    const auto bytes = address.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), client.begin());
  }
  return client;
}

}  // namespace feedd::daemon
