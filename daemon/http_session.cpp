#include "daemon/http_session.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <charconv>
#include <chrono>

#include "daemon/clock.h"
#include "daemon/log.h"
#include "daemon/router.h"

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

// The parts of one request the router needs, kept in strings that are reused from request
// to request, so a connection stops allocating once warm.
struct RequestData {
  std::string method;
  std::string target;
  std::string if_none_match, if_modified_since, accept_encoding, accept;
  bool has_if_none_match = false, has_if_modified_since = false, has_accept_encoding = false;
  bool has_accept = false;
  bool expect_continue = false;
  int version = 11;
  std::string body;
  // Webhook signature fields (only POST /hooks/rebuild reads them); first field of a name wins.
  static constexpr std::array<std::string_view, 6> kWebhookFields = {
      "x-hub-signature-256", "x-github-event",    "x-github-delivery",
      "webhook-id",          "webhook-timestamp", "webhook-signature"};
  std::array<std::string, 6> webhook_values;
  std::array<bool, 6> has_webhook{};

  void clear() {
    method.clear();
    target.clear();
    if_none_match.clear();
    if_modified_since.clear();
    accept_encoding.clear();
    accept.clear();
    has_if_none_match = has_if_modified_since = has_accept_encoding = has_accept = false;
    expect_continue = false;
    version = 11;
    body.clear();
    has_webhook.fill(false);
  }

  Request view() const {
    Request request;
    request.method = method;
    request.target = target;
    if (has_if_none_match) {
      request.if_none_match = if_none_match;
    }
    if (has_if_modified_since) {
      request.if_modified_since = if_modified_since;
    }
    if (has_accept_encoding) {
      request.accept_encoding = accept_encoding;
    }
    if (has_accept) {
      request.accept = accept;
    }
    std::array<std::optional<std::string_view>*, 6> targets = {
        &request.webhook.hub_signature_256, &request.webhook.github_event,
        &request.webhook.github_delivery,   &request.webhook.webhook_id,
        &request.webhook.webhook_timestamp, &request.webhook.webhook_signature};
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (has_webhook[i]) {
        *targets[i] = webhook_values[i];
      }
    }
    request.body = body;
    return request;
  }
};

void append_field(std::string& to, bool& present, std::string_view value) {
  if (present) {
    to += ", ";  // several fields of one name are one comma-separated list
  }
  to += value;
  present = true;
}

// A Beast parser that copies only what RequestData keeps (no per-field allocations).
class RequestParser : public http::basic_parser<true> {
 public:
  explicit RequestParser(RequestData& data) : data_(data) { data_.clear(); }

 private:
  void on_request_impl(http::verb, beast::string_view method, beast::string_view target,
                       int version, error_code&) override {
    data_.version = version;
    data_.method.assign(method.data(), method.size());
    data_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int, error_code&) override {}
  void on_field_impl(http::field name, beast::string_view name_text, beast::string_view value,
                     error_code&) override {
    const std::string_view text(value.data(), value.size());
    switch (name) {
      case http::field::if_none_match:
        append_field(data_.if_none_match, data_.has_if_none_match, text);
        break;
      case http::field::if_modified_since:
        // More than one member makes it invalid (RFC 9110 §13.1.3): the join won't parse.
        append_field(data_.if_modified_since, data_.has_if_modified_since, text);
        break;
      case http::field::accept_encoding:
        append_field(data_.accept_encoding, data_.has_accept_encoding, text);
        break;
      case http::field::accept:
        append_field(data_.accept, data_.has_accept, text);
        break;
      case http::field::expect:
        data_.expect_continue = beast::iequals(value, "100-continue");
        break;
      case http::field::unknown:
        for (std::size_t i = 0; i < RequestData::kWebhookFields.size(); ++i) {
          if (!data_.has_webhook[i] &&
              beast::iequals(name_text, RequestData::kWebhookFields[i])) {
            data_.webhook_values[i].assign(text);
            data_.has_webhook[i] = true;
          }
        }
        break;
      default:
        break;
    }
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) {
      data_.body.reserve(static_cast<std::size_t>(*length));
    }
  }
  std::size_t on_body_impl(beast::string_view body, error_code&) override {
    data_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    data_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  RequestData& data_;
};

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

// Status line and header section of `response` into `out` (cleared first).
void serialize_head(const Response& response, bool keep_alive, bool http10, std::string& out) {
  out.clear();
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(response.status));
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  for (std::size_t i = 0; i < response.header_count; ++i) {
    out += response.headers[i].name;
    out += ": ";
    out += response.headers[i].value;
    out += "\r\n";
  }
  if (!response.location.empty()) {
    out += "Location: ";
    out += response.location;
    out += "\r\n";
  }
  if (response.status != 304) {
    out += "Content-Length: ";
    append_number(out, response.body().size());
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

thread_local DateCache t_date_cache;

RouteContext make_context(const ServerShared& shared) {
  RouteContext context;
  context.now = now_seconds();
  context.date = t_date_cache.text(context.now);
  context.cache_control = shared.cache_control;
  context.metrics = &shared.metrics;
  context.hooks = shared.options.hooks;
  return context;
}

// Maps a failed read to the status to answer with, or 0 to close silently.
int status_for_read_error(const error_code& ec) {
  if (ec == http::error::header_limit) {
    return 431;
  }
  if (ec == http::error::body_limit) {
    return 413;
  }
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      ec == asio::error::connection_reset || ec == http::error::partial_message) {
    return 0;
  }
  if (ec.category() ==
      http::make_error_code(http::error::bad_target).category()) {  // any other parse error
    return 400;
  }
  return 0;
}

// Unregisters the session and decrements the open count when the coroutine ends.
class Registration {
 public:
  Registration(ServerShared& shared, std::shared_ptr<SessionControl> control)
      : shared_(shared), control_(std::move(control)) {
    std::lock_guard lock(shared_.sessions_mutex);
    shared_.sessions.insert(control_);
  }
  ~Registration() {
    control_->socket = nullptr;
    {
      std::lock_guard lock(shared_.sessions_mutex);
      shared_.sessions.erase(control_);
    }
    shared_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  ServerShared& shared_;
  std::shared_ptr<SessionControl> control_;
};

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

// After an error answer, the client may still be sending (a body over the limit): read and
// drop a bounded amount for a short while, so closing does not reset the connection before
// the client has read our answer.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
  error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  std::array<char, 16384> sink;
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(1));
  while (drained < 4 * 1024 * 1024) {
    auto [ec, n] =
        co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      break;
    }
    drained += n;
  }
}

// Writes `head` then `length` bytes of `file` with sendfile(), waiting for the socket when
// it is full; `deadline` (armed by the caller) cancels the socket when the client is too
// slow. Returns the bytes written and the first error.
asio::awaitable<std::pair<error_code, std::size_t>> send_with_file(asio::ip::tcp::socket& socket,
                                                                   std::string_view head, int file,
                                                                   std::size_t length) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  std::size_t sent = 0;
  error_code ec;
  while (sent < head.size()) {  // MSG_MORE: the head leaves with the first body bytes
    auto [send_ec, n] =
        co_await socket.async_send(asio::buffer(head.substr(sent)), MSG_MORE, token);
    if (send_ec) {
      co_return std::pair{send_ec, sent};
    }
    sent += n;
  }
  off_t offset = 0;
  while (static_cast<std::size_t>(offset) < length) {
    const ssize_t n = ::sendfile(socket.native_handle(), file, &offset,
                                 length - static_cast<std::size_t>(offset));
    if (n > 0) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      auto [wait_ec] = co_await socket.async_wait(asio::socket_base::wait_write, token);
      if (wait_ec) {
        ec = wait_ec;
        break;
      }
      continue;
    }
    ec = n == 0 ? asio::error::eof : error_code(errno, boost::system::system_category());
    break;
  }
  co_return std::pair{ec, sent + static_cast<std::size_t>(offset)};
}

}  // namespace

asio::awaitable<void> run_session(asio::ip::tcp::socket socket, ServerShared& shared) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  auto control = std::make_shared<SessionControl>();
  control->executor = socket.get_executor();
  beast::tcp_stream stream(std::move(socket));
  control->socket = &stream.socket();
  Registration registration(shared, control);
  const std::string remote = shared.options.access_log ? remote_of(stream.socket()) : "";
  error_code ignored;
  stream.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  // A send buffer that holds a whole typical feed: one write per response, not several
  // rounds through epoll while the kernel's autotuning catches up (4x the req/s at 66 KB).
  stream.socket().set_option(asio::socket_base::send_buffer_size(512 * 1024), ignored);
  asio::steady_timer file_deadline(control->executor);

  beast::flat_buffer buffer;
  RequestData data;
  std::string head;
  head.reserve(512);
  const auto timeout = shared.options.timeout;

  // A stopping server still reads and answers a new connection's first request: the client
  // connected before the listening socket was closed (or the socket is systemd's, and the
  // next process would have answered it), so closing it unread would reset it.
  while (control->fresh || !shared.stopping.load(std::memory_order_acquire)) {
    RequestParser parser(data);
    parser.header_limit(shared.options.header_limit);
    parser.body_limit(shared.options.max_body);
    stream.expires_after(timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, token);
    if (!ec && !parser.is_done()) {
      if (data.expect_continue) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(kContinue), token);
        ec = wec;
      }
      if (!ec) {
        std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, token);
      }
    }
    control->busy = true;
    control->fresh = false;
    RouteContext context = make_context(shared);
    bool keep_alive = false;
    Response response;
    std::shared_ptr<const feeds::Snapshot> snapshot;
    if (ec) {
      const int status = status_for_read_error(ec);
      if (status == 0) {
        break;
      }
      if (status == 400) {
        log::debug("http", remote_of(stream.socket()) + ": malformed request: " + ec.message());
      }
      response = error_response(status, context);
    } else {
      snapshot = shared.store.load();  // once per request; kept until the write completes
      response = route(data.view(), *snapshot, context);
      keep_alive = parser.keep_alive() && !shared.stopping.load(std::memory_order_acquire);
    }
    serialize_head(response, keep_alive, data.version == 10, head);
    const std::string_view body = response.head ? std::string_view{} : response.body();
    error_code wec;
    std::size_t written = 0;
    if (!body.empty() && response.body_file >= 0) {
      // Big snapshot bodies go out with sendfile() from their memfd (no user-space copy).
      file_deadline.expires_after(timeout);
      file_deadline.async_wait([control](error_code timer_ec) {
        if (!timer_ec && control->socket != nullptr) {
          error_code ignored_ec;
          control->socket->cancel(ignored_ec);
        }
      });
      std::tie(wec, written) =
          co_await send_with_file(stream.socket(), head, response.body_file, body.size());
      file_deadline.cancel();
    } else {
      const std::array<asio::const_buffer, 2> buffers = {asio::buffer(head), asio::buffer(body)};
      stream.expires_after(timeout);
      std::tie(wec, written) = co_await asio::async_write(stream, buffers, token);
    }
    shared.metrics.record(response.route, response.status, written);
    if (shared.options.access_log) {
      log::info("access", remote + " \"" + data.method + " " + data.target + "\" " +
                              std::to_string(response.status) + " " + std::to_string(written));
    }
    control->busy = false;
    if (wec || !keep_alive) {
      if (!wec && ec) {
        co_await linger(stream);
      }
      break;
    }
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream.close();
}

}  // namespace feedd::daemon
