#include "daemon/http/request_parser.h"

#include "daemon/http/http_syntax.h"
#include "daemon/http/request_fields.h"

namespace feedd::daemon {
namespace {

using boost::system::result;
using http_syntax::is_token;
using http_syntax::trim_ows;

// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
result<void> request_line(std::string_view line, RequestHead& out) {
  const std::size_t first = line.find(' ');
  const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos) {
    return RequestError::bad_request_line;
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  if (!is_token(method) || target.empty()) {
    return RequestError::bad_request_line;
  }
  for (char c : target) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      return RequestError::bad_target;
    }
  }
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (version.size() != 8 || !version.starts_with("HTTP/") || !digit(version[5]) ||
      version[6] != '.' || !digit(version[7])) {
    return RequestError::bad_request_line;
  }
  if (version[5] != '1') {
    return RequestError::version_not_supported;
  }
  out.method.assign(method);
  out.target.assign(target);
  out.version = version[7] == '0' ? 10 : 11;
  return {};
}

}  // namespace

void RequestHead::clear() {
  method.clear();
  target.clear();
  version = 11;
  body = Body::none;
  content_length = 0;
  keep_alive = true;
  expect_continue = false;
  for_each_field(*this, [](FieldValue& value) {
    value.text.clear();
    value.present = false;
  });
}

Request RequestHead::to_request(std::string_view body_bytes) const {
  Request request;
  request.method = method;
  request.target = target;
  request.if_none_match = if_none_match.view();
  request.if_modified_since = if_modified_since.view();
  request.if_match = if_match.view();
  request.if_unmodified_since = if_unmodified_since.view();
  request.accept_encoding = accept_encoding.view();
  request.accept = accept.view();
  request.a_im = a_im.view();
  request.x_forwarded_for = x_forwarded_for.view();
  for (std::size_t i = 0; i < kWebhookFields.size(); ++i) {
    request.webhook.*kWebhookFields[i].member = webhook[i].view();  // the first line wins
  }
  request.body = body_bytes;
  return request;
}

result<std::size_t> HeadScanner::scan(std::string_view bytes, std::size_t limit) {
  // Line by line with memchr (this runs over every byte a client sends).
  while (scanned_ < bytes.size()) {
    const std::string_view rest = bytes.substr(scanned_);
    const std::size_t lf = rest.find('\n');
    const std::size_t cr = rest.substr(0, lf).find('\r');
    if (cr != std::string_view::npos && cr + 1 < rest.size() && cr + 1 != lf) {
      return RequestError::bad_line_ending;  // a CR not followed by LF
    }
    if (lf == std::string_view::npos) {
      break;  // a final CR may still get its LF
    }
    if (lf == 0 || cr != lf - 1) {
      return RequestError::bad_line_ending;  // a bare LF
    }
    scanned_ += lf + 1;
    const bool empty_line = scanned_ - line_start_ == 2;
    line_start_ = scanned_;
    if (!empty_line) {
      in_head_ = true;
    } else if (in_head_) {
      // The limit holds for the head however it arrived (one read or many).
      return scanned_ > limit ? result<std::size_t>(RequestError::head_too_large)
                              : result<std::size_t>(scanned_);  // the empty line that ends it
    }
    // An empty line before the request line is ignored (RFC 9112 §2.2).
  }
  if (bytes.size() >= limit) {
    return RequestError::head_too_large;
  }
  return 0;
}

result<void> parse_request_head(std::string_view head, RequestHead& out) {
  out.clear();
  while (head.starts_with("\r\n")) {
    head.remove_prefix(2);
  }
  std::size_t end = head.find("\r\n");
  if (end == std::string_view::npos || head.find('\n') < end) {
    return RequestError::bad_line_ending;
  }
  if (auto line = request_line(head.substr(0, end), out); !line) {
    return line.error();
  }
  FieldFacts facts;
  for (std::size_t start = end + 2;; start = end + 2) {
    end = head.find("\r\n", start);
    if (end == std::string_view::npos) {
      return RequestError::bad_line_ending;
    }
    const std::string_view line = head.substr(start, end - start);
    if (line.empty()) {
      break;
    }
    if (http_syntax::is_ows(line.front())) {
      return RequestError::obs_fold;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return RequestError::bad_field;  // includes "Name : value"
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (!http_syntax::is_field_value(value)) {
      return RequestError::bad_field_value;
    }
    if (auto ok = take_field(line.substr(0, colon), value, out, facts); !ok) {
      return ok.error();
    }
  }
  return decide_framing(facts, out);
}

result<std::size_t> parse_request(std::string_view bytes, RequestHead& head, std::string& body,
                                  const RequestLimits& limits) {
  body.clear();
  HeadScanner scanner;
  auto head_size = scanner.scan(bytes, limits.header_limit);
  if (!head_size || *head_size == 0) {
    return head_size;
  }
  if (auto parsed = parse_request_head(bytes.substr(0, *head_size), head); !parsed) {
    return parsed.error();
  }
  std::string_view rest = bytes.substr(*head_size);
  switch (head.body) {
    case RequestHead::Body::none:
      return *head_size;
    case RequestHead::Body::length:
      if (head.content_length > limits.max_body) {
        return RequestError::body_too_large;
      }
      if (rest.size() < head.content_length) {
        return 0;
      }
      body.assign(rest.substr(0, head.content_length));
      return *head_size + head.content_length;
    case RequestHead::Body::chunked:
      break;
  }
  ChunkedDecoder decoder;
  auto used = decoder.feed(rest, body, limits.max_body, limits.header_limit);
  if (!used) {
    return used.error();
  }
  return decoder.done() ? *head_size + *used : 0;
}

}  // namespace feedd::daemon
