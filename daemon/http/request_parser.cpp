#include "daemon/http/request_parser.h"

#include <charconv>

#include "common/text.h"
#include "daemon/http/http_syntax.h"

namespace feedd::daemon {
namespace {

using boost::system::result;
using common::text::iequals;
using http_syntax::is_token;
using http_syntax::trim_ows;

// The fields the parser acts on; everything else is checked for syntax and dropped.
enum class Known {
  host,
  content_length,
  transfer_encoding,
  connection,
  expect,
  if_none_match,
  if_modified_since,
  accept_encoding,
  accept,
  webhook,  // kWebhookFields[index]
  other,
};

struct KnownField {
  Known kind = Known::other;
  std::size_t index = 0;  // into kWebhookFields
};

// `name` (a token) equals `lower` (lower-case letters, digits and '-') ignoring case. For
// those, setting bit 0x20 maps an upper-case letter to its lower case and changes no other
// token character into one of them.
bool is_name(std::string_view name, std::string_view lower) {
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (static_cast<char>(name[i] | 0x20) != lower[i]) {
      return false;
    }
  }
  return true;
}

// Dispatches on the length first: most names are compared with one candidate or none.
KnownField classify(std::string_view name) {
  const auto webhook = [&](std::initializer_list<std::size_t> candidates) -> KnownField {
    for (std::size_t index : candidates) {
      if (is_name(name, kWebhookFields[index].name)) {
        return {Known::webhook, index};
      }
    }
    return {};
  };
  const auto known = [&](std::string_view lower, Known kind) {
    return is_name(name, lower) ? KnownField{kind, 0} : KnownField{};
  };
  switch (name.size()) {
    case 4:
      return known("host", Known::host);
    case 6:
      return is_name(name, "accept") ? KnownField{Known::accept, 0}
                                     : known("expect", Known::expect);
    case 10:
      return is_name(name, "connection") ? KnownField{Known::connection, 0} : webhook({3});
    case 13:
      return known("if-none-match", Known::if_none_match);
    case 14:
      return is_name(name, "content-length") ? KnownField{Known::content_length, 0} : webhook({1});
    case 15:
      return known("accept-encoding", Known::accept_encoding);
    case 17:
      if (is_name(name, "transfer-encoding")) {
        return {Known::transfer_encoding, 0};
      }
      return is_name(name, "if-modified-since") ? KnownField{Known::if_modified_since, 0}
                                                : webhook({2, 4, 5});
    case 19:
      return webhook({0});
    default:
      return {};
  }
}

void append_value(FieldValue& field, std::string_view value) {
  if (field.present) {
    field.text += ", ";  // several field lines of one name are one comma-separated list
  }
  field.text += value;
  field.present = true;
}

// Calls `each` with every non-empty element of a comma-separated list, trimmed.
template <typename Each>
void for_each_element(std::string_view list, Each each) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (!element.empty()) {
      each(element);
    }
  }
}

// What the fields say about framing and the connection, checked once all are read.
struct Framing {
  int host_fields = 0;
  bool has_length = false;
  std::uint64_t length = 0;
  bool length_conflict = false;
  bool length_invalid = false;
  bool has_transfer_encoding = false;
  int codings = 0;
  int chunked_count = 0;
  bool last_is_chunked = false;
  bool unknown_coding = false;
  bool bad_coding = false;
  bool close = false;
  bool keep_alive = false;
};

// RFC 9110 §8.6: a list of decimal numbers (an empty element is invalid), all equal.
void content_length(std::string_view value, Framing& framing) {
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view element = trim_ows(value.substr(0, comma));
    std::uint64_t number = 0;
    const char* end = element.data() + element.size();
    const auto parsed = std::from_chars(element.data(), end, number);
    // Digits only (from_chars takes no '+', and no '-' for an unsigned), no overflow.
    if (element.empty() || parsed.ec != std::errc{} || parsed.ptr != end) {
      framing.length_invalid = true;
      return;
    }
    if (framing.has_length && number != framing.length) {
      framing.length_conflict = true;
    }
    framing.has_length = true;
    framing.length = number;
    if (comma == std::string_view::npos) {
      return;
    }
    value.remove_prefix(comma + 1);
  }
}

// RFC 9112 §6.1: transfer-coding *( OWS ";" OWS transfer-parameter ), in order applied.
void transfer_encoding(std::string_view value, Framing& framing) {
  framing.has_transfer_encoding = true;
  for_each_element(value, [&](std::string_view element) {
    const std::string_view name = trim_ows(element.substr(0, element.find(';')));
    ++framing.codings;
    framing.last_is_chunked = iequals(name, "chunked");
    if (framing.last_is_chunked) {
      ++framing.chunked_count;
    } else if (is_token(name)) {
      framing.unknown_coding = true;
    } else {
      framing.bad_coding = true;
    }
  });
}

// Host = uri-host [ ":" port ] (RFC 9110 §7.2); empty is allowed.
bool valid_host(std::string_view value) {
  for (char c : value) {
    if (!http_syntax::is_host_char(c)) {
      return false;
    }
  }
  return true;
}

result<void> field(std::string_view name, std::string_view value, RequestHead& out,
                   Framing& framing) {
  const KnownField known = classify(name);
  switch (known.kind) {
    case Known::host:
      ++framing.host_fields;
      if (!valid_host(value)) {
        return RequestError::bad_host;
      }
      break;
    case Known::content_length:
      content_length(value, framing);
      break;
    case Known::transfer_encoding:
      transfer_encoding(value, framing);
      break;
    case Known::connection:
      for_each_element(value, [&](std::string_view option) {
        framing.close = framing.close || iequals(option, "close");
        framing.keep_alive = framing.keep_alive || iequals(option, "keep-alive");
      });
      break;
    case Known::expect:
      out.expect_continue = iequals(value, "100-continue");
      break;
    case Known::if_none_match:
      append_value(out.if_none_match, value);
      break;
    case Known::if_modified_since:
      // More than one member makes it invalid (RFC 9110 §13.1.3): the join won't parse.
      append_value(out.if_modified_since, value);
      break;
    case Known::accept_encoding:
      append_value(out.accept_encoding, value);
      break;
    case Known::accept:
      append_value(out.accept, value);
      break;
    case Known::webhook:
      if (!out.webhook[known.index].present) {
        out.webhook[known.index].text.assign(value);
        out.webhook[known.index].present = true;
      }
      break;
    case Known::other:
      break;
  }
  return {};
}

// RFC 9112 §3.2, §6.1, §6.3, §9.3: the rules that need every field.
result<void> decide_framing(const Framing& framing, RequestHead& out) {
  if (out.version == 11 && framing.host_fields == 0) {
    return RequestError::missing_host;
  }
  if (framing.host_fields > 1) {
    return RequestError::bad_host;
  }
  if (framing.has_transfer_encoding) {
    if (out.version == 10) {
      return RequestError::transfer_encoding_http10;
    }
    if (framing.has_length || framing.length_invalid) {
      return RequestError::length_and_chunked;
    }
    if (framing.bad_coding || framing.codings == 0) {
      return RequestError::chunked_not_last;
    }
    if (!framing.last_is_chunked || framing.chunked_count > 1) {
      return RequestError::chunked_not_last;
    }
    if (framing.unknown_coding) {
      return RequestError::unknown_transfer_coding;
    }
    out.body = RequestHead::Body::chunked;
  } else if (framing.length_invalid) {
    return RequestError::bad_content_length;
  } else if (framing.length_conflict) {
    return RequestError::conflicting_content_length;
  } else if (framing.has_length && framing.length > 0) {
    out.body = RequestHead::Body::length;
    out.content_length = framing.length;
  }
  out.keep_alive = out.version == 11 ? !framing.close : framing.keep_alive && !framing.close;
  return {};
}

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
  for (FieldValue* value : {&if_none_match, &if_modified_since, &accept_encoding, &accept}) {
    value->text.clear();
    value->present = false;
  }
  for (FieldValue& value : webhook) {
    value.text.clear();
    value.present = false;
  }
}

Request RequestHead::to_request(std::string_view body_bytes) const {
  Request request;
  request.method = method;
  request.target = target;
  request.if_none_match = if_none_match.view();
  request.if_modified_since = if_modified_since.view();
  request.accept_encoding = accept_encoding.view();
  request.accept = accept.view();
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
      return scanned_;  // the empty line that ends the head
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
  Framing framing;
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
    if (auto ok = field(line.substr(0, colon), value, out, framing); !ok) {
      return ok.error();
    }
  }
  return decide_framing(framing, out);
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
