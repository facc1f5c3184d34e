#include "daemon/http/chunked_decoder.h"

#include <algorithm>

#include "daemon/http/http_syntax.h"

namespace feedd::daemon {
namespace {

using boost::system::result;

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
    return (c | 0x20) - 'a' + 10;
  }
  return -1;
}

// chunk-size [ chunk-ext ] (RFC 9112 §7.1.1): hex digits, then nothing or
// *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), which is only checked for bytes.
result<std::uint64_t> chunk_size(std::string_view line) {
  std::uint64_t size = 0;
  std::size_t i = 0;
  for (; i < line.size() && hex_value(line[i]) >= 0; ++i) {
    if (size >> 59 != 0) {
      return RequestError::bad_chunk;  // past 2^63: no body that size is ever accepted
    }
    size = size * 16 + static_cast<std::uint64_t>(hex_value(line[i]));
  }
  const std::string_view extension = http_syntax::trim_ows(line.substr(i));
  if (i == 0 || (!extension.empty() && extension.front() != ';') ||
      !http_syntax::is_field_value(extension)) {
    return RequestError::bad_chunk;
  }
  return size;
}

// A trailer field line: field-name ":" field-value, as in the head.
bool trailer_field(std::string_view line) {
  const std::size_t colon = line.find(':');
  return colon != std::string_view::npos && http_syntax::is_token(line.substr(0, colon)) &&
         http_syntax::is_field_value(line.substr(colon + 1));
}

}  // namespace

result<void> ChunkedDecoder::line(std::string_view text) {
  if (text.find('\r') != std::string_view::npos) {
    return RequestError::bad_chunk;  // a bare CR
  }
  if (state_ == State::trailer) {
    if (text.empty()) {
      state_ = State::done;
    } else if (!trailer_field(text)) {
      return RequestError::bad_chunk;
    }
    return {};
  }
  auto size = chunk_size(text);
  if (!size) {
    return size.error();
  }
  remaining_ = *size;
  state_ = remaining_ == 0 ? State::trailer : State::data;
  return {};
}

result<std::size_t> ChunkedDecoder::feed(std::string_view bytes, std::string& body,
                                         std::uint64_t max_body, std::size_t line_limit) {
  std::size_t used = 0;
  while (used < bytes.size() && state_ != State::done) {
    const std::string_view rest = bytes.substr(used);
    if (state_ == State::data) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
      if (body.size() + n > max_body) {
        return RequestError::body_too_large;
      }
      body.append(rest.substr(0, n));
      used += n;
      remaining_ -= n;
      if (remaining_ == 0) {
        state_ = State::data_crlf;
      }
      continue;
    }
    if (state_ == State::data_crlf) {
      if (rest.size() < 2) {
        break;
      }
      if (!rest.starts_with("\r\n")) {
        return RequestError::bad_chunk;
      }
      used += 2;
      state_ = State::size_line;
      continue;
    }
    // A chunk-size line or a trailer line: only whole lines, ended by CRLF.
    const std::size_t lf = rest.find('\n');
    const std::size_t length = lf == std::string_view::npos ? rest.size() : lf + 1;
    if (line_bytes_ + length > line_limit) {
      return state_ == State::trailer ? RequestError::head_too_large : RequestError::bad_chunk;
    }
    if (lf == std::string_view::npos) {
      break;
    }
    if (lf == 0 || rest[lf - 1] != '\r') {
      return RequestError::bad_chunk;  // a bare LF
    }
    if (auto ok = line(rest.substr(0, lf - 1)); !ok) {
      return ok.error();
    }
    // Trailers count together; each chunk-size line on its own.
    line_bytes_ = state_ == State::trailer || state_ == State::done ? line_bytes_ + length : 0;
    used += length;
    if (remaining_ > 0 && body.size() + remaining_ > max_body) {
      return RequestError::body_too_large;  // refused before its data is read
    }
  }
  return used;
}

}  // namespace feedd::daemon
