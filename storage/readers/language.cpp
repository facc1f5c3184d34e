#include "storage/readers/language.h"

#include <algorithm>

#include "common/text.h"
#include "common/utf8.h"

namespace feedd::storage {
namespace {

constexpr std::size_t kMaxCodePointsSampled = 4000;
constexpr int kJapaneseWeight = 3;

bool is_japanese(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) ||  // hiragana, katakana
         (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
         (c >= 0xFF66 && c <= 0xFF9F) ||  // half-width katakana
         c == 0x3005;                     // 々
}

bool is_latin_letter(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

bool is_configured(std::string_view lang, const ReaderOptions& options) {
  return std::find(options.languages.begin(), options.languages.end(), lang) !=
         options.languages.end();
}

// Whether the last subtag of `range` is a single character ("x" of "en-x", "a" of "en-a").
bool ends_in_singleton(std::string_view range) {
  return range.size() == 1 || (range.size() >= 2 && range[range.size() - 2] == '-');
}

// `range` without its last subtag, and without the singletons (an extension's "a", private
// use's "x") that would then end it: a range that ends in one is never looked up.
std::string_view truncated(std::string_view range) {
  do {
    const std::size_t cut = range.rfind('-');
    range = range.substr(0, cut == std::string_view::npos ? 0 : cut);
  } while (ends_in_singleton(range));
  return range;
}

}  // namespace

std::string strip_language_marker(std::string& title, const ReaderOptions& options) {
  const LanguageMarker* best = nullptr;
  for (const LanguageMarker& m : options.markers) {
    if (!m.marker.empty() && common::text::istarts_with(title, m.marker) &&
        (best == nullptr || m.marker.size() > best->marker.size())) {
      best = &m;
    }
  }
  if (best == nullptr) {
    return {};
  }
  title = std::string(common::text::trim(std::string_view(title).substr(best->marker.size())));
  return best->lang;
}

std::string language_of_script(std::string_view text, const ReaderOptions& options) {
  long japanese = 0;
  long latin = 0;
  std::size_t pos = 0;
  std::size_t sampled = 0;
  while (pos < text.size() && sampled < kMaxCodePointsSampled) {
    const char c = text[pos];
    if (c == '<') {  // an HTML tag: skip to its end
      const std::size_t end = text.find('>', pos);
      pos = end == std::string_view::npos ? text.size() : end + 1;
      continue;
    }
    if (c == '&') {  // an entity: skip "&name;" when it is one
      const std::size_t end = text.find(';', pos);
      if (end != std::string_view::npos && end - pos <= 10) {
        pos = end + 1;
        continue;
      }
    }
    const char32_t cp = common::utf8::decode(text, pos);
    ++sampled;
    if (is_japanese(cp)) {
      ++japanese;
    } else if (is_latin_letter(cp)) {
      ++latin;
    }
  }
  if (japanese * kJapaneseWeight > latin) {
    return is_configured("ja", options) ? "ja" : "";
  }
  if (latin > 0) {
    for (const std::string& lang : options.languages) {
      if (lang != "ja") {
        return lang;
      }
    }
  }
  return {};
}

std::string_view lookup_language(std::string_view tag, const ReaderOptions& options) {
  std::string written(tag);
  std::replace(written.begin(), written.end(), '_', '-');
  std::string_view range = written;
  while (!range.empty()) {
    for (const std::string& language : options.languages) {
      if (common::text::iequals(range, language)) {
        return language;
      }
    }
    range = truncated(range);
  }
  return {};
}

void assign_language(Post& post, const ReaderOptions& options) {
  std::string marker_lang = strip_language_marker(post.title, options);
  if (!post.lang.empty()) {
    const std::string_view configured = lookup_language(post.lang, options);
    if (!configured.empty()) {
      post.lang = std::string(configured);
    }
    return;
  }
  if (!marker_lang.empty()) {
    post.lang = std::move(marker_lang);
    return;
  }
  std::string sample = post.title;
  sample += '\n';
  sample.append(post.content_html, 0, std::min<std::size_t>(post.content_html.size(), 16384));
  // The cut may split a UTF-8 sequence; decode() then yields U+FFFD, which counts as neither.
  post.lang = language_of_script(sample, options);
  if (post.lang.empty()) {
    post.lang = options.default_language;
  }
}

}  // namespace feedd::storage
