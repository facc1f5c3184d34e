#include "common/topic_segment.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "common/encoding.h"

namespace feedd::common {
namespace {

bool is_separator(utf8proc_int32_t code_point) {
  if (code_point == '/' || code_point == '\t' || code_point == '\n' || code_point == '\r' ||
      code_point == '\f' || code_point == '\v') {
    return true;
  }
  const utf8proc_category_t category = utf8proc_category(code_point);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

void append_code_point(std::string& out, utf8proc_int32_t code_point) {
  utf8proc_uint8_t bytes[4];
  const utf8proc_ssize_t size = utf8proc_encode_char(code_point, bytes);
  out.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

}  // namespace

std::string topic_segment(std::string_view name) {
  utf8proc_uint8_t* composed = nullptr;
  const utf8proc_ssize_t length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
                   static_cast<utf8proc_ssize_t>(name.size()), &composed,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (length < 0) {
    return {};  // invalid UTF-8 (nothing was allocated)
  }
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(composed, &std::free);
  std::string segment;
  bool pending_dash = false;
  for (utf8proc_ssize_t i = 0; i < length;) {
    utf8proc_int32_t code_point = 0;
    i += utf8proc_iterate(composed + i, length - i, &code_point);
    if (is_separator(code_point)) {
      pending_dash = !segment.empty();
      continue;
    }
    if (utf8proc_category(code_point) == UTF8PROC_CATEGORY_CC) {
      continue;  // control characters never reach a path
    }
    if (pending_dash) {
      segment += '-';
      pending_dash = false;
    }
    append_code_point(segment, utf8proc_tolower(code_point));
  }
  return segment;
}

std::string topic_segment_url(std::string_view segment) {
  std::string out;
  out.reserve(segment.size() * 3);
  append_percent_encoded(out, segment, is_unreserved);
  return out;
}

}  // namespace feedd::common
