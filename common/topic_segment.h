// The path segment of a tag or category name, shared by the index's readers, the renderers
// and the router so that every link and every lookup agrees: NFC-normalised, lower-cased
// where the script has case (utf8proc), each run of white space and each '/' as one '-',
// leading and trailing white space dropped. Pure; thread-safe; never throws except
// std::bad_alloc. Empty when nothing is left or the name is not valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace feedd::common {

// "Tea Time" -> "tea-time", "茶道" -> "茶道", "Ｃａｆé" (e + U+0301) -> "ｃａｆé" (NFC é).
std::string topic_segment(std::string_view name);

// The segment as it appears in a URL path: UTF-8 bytes percent-encoded except RFC 3986's
// unreserved characters ("茶道" -> "%E8%8C%B6%E9%81%93").
std::string topic_segment_url(std::string_view segment);

}  // namespace feedd::common
