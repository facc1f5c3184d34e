// What the post readers need to know about the site: languages and their title markers,
// the time zone and the default time for dates without a time. Immutable after
// construction; share it as const& across threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "storage/readers/reader_limits.h"

namespace date {
class time_zone;
}

namespace feedd::storage {

struct LanguageMarker {
  std::string marker;  // e.g. "[Eng]"
  std::string lang;    // e.g. "en"
};

struct ReaderOptions {
  const date::time_zone* timezone = nullptr;  // site.timezone; never null once configured
  std::chrono::minutes default_time{0};       // site.default_time, minutes after midnight
  std::string default_language = "ja";        // site.default_language
  std::vector<std::string> languages;         // configured language codes
  std::vector<LanguageMarker> markers;        // from languages.*.markers, longest first
  std::size_t max_file_bytes = limits::kDefaultMaxFileBytes;  // store.max_file_bytes
};

}  // namespace feedd::storage
