#include "daemon/http/request_fields.h"

#include <charconv>

#include "common/text.h"
#include "daemon/http/http_syntax.h"

namespace feedd::daemon {
namespace {

using boost::system::result;
using common::text::iequals;
using http_syntax::equals_folded;
using http_syntax::is_token;
using http_syntax::trim_ows;

// The fields the parser acts on; everything else is checked for syntax and dropped.
enum class Known {
  host,
  content_length,
  transfer_encoding,
  connection,
  expect,
  if_match,
  if_none_match,
  if_modified_since,
  if_unmodified_since,
  accept_encoding,
  accept,
  a_im,  // RFC 3229
  x_forwarded_for,
  webhook,  // kWebhookFields[index]
  other,
};

struct KnownField {
  Known kind = Known::other;
  std::size_t index = 0;  // into kWebhookFields
};

// Dispatches on the length first: most names are compared with one candidate or none.
KnownField classify(std::string_view name) {
  const auto webhook = [&](std::initializer_list<std::size_t> candidates) -> KnownField {
    for (std::size_t index : candidates) {
      if (equals_folded(name, kWebhookFields[index].name)) {
        return {Known::webhook, index};
      }
    }
    return {};
  };
  const auto known = [&](std::string_view lower, Known kind) {
    return equals_folded(name, lower) ? KnownField{kind, 0} : KnownField{};
  };
  switch (name.size()) {
    case 4:
      return equals_folded(name, "host") ? KnownField{Known::host, 0} : known("a-im", Known::a_im);
    case 6:
      return equals_folded(name, "accept") ? KnownField{Known::accept, 0}
                                           : known("expect", Known::expect);
    case 8:
      return known("if-match", Known::if_match);
    case 10:
      return equals_folded(name, "connection") ? KnownField{Known::connection, 0} : webhook({3});
    case 13:
      return known("if-none-match", Known::if_none_match);
    case 14:
      return equals_folded(name, "content-length") ? KnownField{Known::content_length, 0}
                                                   : webhook({1});
    case 15:
      return equals_folded(name, "accept-encoding")
                 ? KnownField{Known::accept_encoding, 0}
                 : known("x-forwarded-for", Known::x_forwarded_for);
    case 17:
      if (equals_folded(name, "transfer-encoding")) {
        return {Known::transfer_encoding, 0};
      }
      return equals_folded(name, "if-modified-since") ? KnownField{Known::if_modified_since, 0}
                                                      : webhook({2, 4, 5});
    case 19:
      return equals_folded(name, "if-unmodified-since") ? KnownField{Known::if_unmodified_since, 0}
                                                        : webhook({0});
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

// RFC 9110 §8.6: a list of decimal numbers (an empty element is invalid), all equal.
void content_length(std::string_view value, FieldFacts& facts) {
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view element = trim_ows(value.substr(0, comma));
    std::uint64_t number = 0;
    const char* end = element.data() + element.size();
    const auto parsed = std::from_chars(element.data(), end, number);
    // Digits only (from_chars takes no '+', and no '-' for an unsigned), no overflow.
    if (element.empty() || parsed.ec != std::errc{} || parsed.ptr != end) {
      facts.length_invalid = true;
      return;
    }
    if (facts.has_length && number != facts.length) {
      facts.length_conflict = true;
    }
    facts.has_length = true;
    facts.length = number;
    if (comma == std::string_view::npos) {
      return;
    }
    value.remove_prefix(comma + 1);
  }
}

// RFC 9112 §6.1: transfer-coding *( OWS ";" OWS transfer-parameter ), in order applied.
void transfer_encoding(std::string_view value, FieldFacts& facts) {
  facts.has_transfer_encoding = true;
  for_each_element(value, [&](std::string_view element) {
    const std::string_view name = trim_ows(element.substr(0, element.find(';')));
    ++facts.codings;
    facts.last_is_chunked = iequals(name, "chunked");
    if (facts.last_is_chunked) {
      ++facts.chunked_count;
    } else if (is_token(name)) {
      facts.unknown_coding = true;
    } else {
      facts.bad_coding = true;
    }
  });
}

// Host = uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2): an IP-literal in brackets,
// or a reg-name (an IPv4 address is one), then digits after a colon. Empty is allowed.
bool valid_host(std::string_view value) {
  std::size_t i = 0;
  if (!value.empty() && value[0] == '[') {
    const std::size_t close = value.find(']');
    if (close == std::string_view::npos || close == 1) {
      return false;
    }
    const std::string_view literal = value.substr(1, close - 1);
    const bool future = literal[0] == 'v' || literal[0] == 'V';
    for (char c : literal) {
      const bool ipv6 = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                        (c >= 'A' && c <= 'F') || c == ':' || c == '.';
      if (!http_syntax::is_ip_literal_char(c) || (!future && !ipv6)) {
        return false;
      }
    }
    if (!future && literal.find(':') == std::string_view::npos) {
      return false;  // an IPv6 address has colons
    }
    i = close + 1;
  } else {
    while (i < value.size() && value[i] != ':') {
      if (!http_syntax::is_reg_name_char(value[i])) {
        return false;
      }
      ++i;
    }
  }
  if (i == value.size()) {
    return true;
  }
  if (value[i] != ':') {
    return false;
  }
  for (++i; i < value.size(); ++i) {
    if (value[i] < '0' || value[i] > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace

result<void> take_field(std::string_view name, std::string_view value, RequestHead& out,
                        FieldFacts& facts) {
  const KnownField known = classify(name);
  switch (known.kind) {
    case Known::host:
      ++facts.host_fields;
      if (!valid_host(value)) {
        return RequestError::bad_host;
      }
      break;
    case Known::content_length:
      content_length(value, facts);
      break;
    case Known::transfer_encoding:
      transfer_encoding(value, facts);
      break;
    case Known::connection:
      for_each_element(value, [&](std::string_view option) {
        facts.close = facts.close || iequals(option, "close");
        facts.keep_alive = facts.keep_alive || iequals(option, "keep-alive");
      });
      break;
    case Known::expect:
      out.expect_continue = iequals(value, "100-continue");
      break;
    case Known::if_match:
      append_value(out.if_match, value);
      break;
    case Known::if_none_match:
      append_value(out.if_none_match, value);
      break;
    case Known::if_modified_since:
      // More than one member makes it invalid (RFC 9110 §13.1.3): the join won't parse.
      append_value(out.if_modified_since, value);
      break;
    case Known::if_unmodified_since:  // likewise (§13.1.4)
      append_value(out.if_unmodified_since, value);
      break;
    case Known::x_forwarded_for:
      append_value(out.x_forwarded_for, value);
      break;
    case Known::accept_encoding:
      append_value(out.accept_encoding, value);
      break;
    case Known::accept:
      append_value(out.accept, value);
      break;
    case Known::a_im:
      append_value(out.a_im, value);
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

result<void> decide_framing(const FieldFacts& facts, RequestHead& out) {
  if (out.version == 11 && facts.host_fields == 0) {
    return RequestError::missing_host;
  }
  if (facts.host_fields > 1) {
    return RequestError::bad_host;
  }
  if (facts.has_transfer_encoding) {
    if (out.version == 10) {
      return RequestError::transfer_encoding_http10;
    }
    if (facts.has_length || facts.length_invalid) {
      return RequestError::length_and_chunked;
    }
    if (facts.bad_coding || facts.codings == 0) {
      return RequestError::chunked_not_last;
    }
    if (!facts.last_is_chunked || facts.chunked_count > 1) {
      return RequestError::chunked_not_last;
    }
    if (facts.unknown_coding) {
      return RequestError::unknown_transfer_coding;
    }
    out.body = RequestHead::Body::chunked;
  } else if (facts.length_invalid) {
    return RequestError::bad_content_length;
  } else if (facts.length_conflict) {
    return RequestError::conflicting_content_length;
  } else if (facts.has_length && facts.length > 0) {
    out.body = RequestHead::Body::length;
    out.content_length = facts.length;
  }
  out.keep_alive = out.version == 11 ? !facts.close : facts.keep_alive && !facts.close;
  return {};
}

}  // namespace feedd::daemon
