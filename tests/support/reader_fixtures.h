// Shared set-up for the post reader tests: the site options of the bilingual test blog
// (Asia/Tokyo, ja default, "[Eng]"/"[EN]" markers) and UTC instants from RFC 3339 text.
// Header-only helpers; each call returns a fresh value.
#pragma once

#include <date/tz.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string_view>

#include "storage/readers/local_time.h"
#include "storage/readers/reader_options.h"

namespace feedd::testing {

inline storage::ReaderOptions tokyo_options() {
  storage::ReaderOptions options;
  options.timezone = date::locate_zone("Asia/Tokyo");
  options.default_language = "ja";
  options.languages = {"ja", "en"};
  options.markers = {{"[Eng]", "en"}, {"[EN]", "en"}};
  return options;
}

// "2025-04-30T14:30:00Z" as sys_seconds; fails the test when it does not parse.
inline std::chrono::sys_seconds utc(std::string_view text) {
  auto t = storage::parse_timestamp(text, nullptr, std::chrono::minutes{0});
  BOOST_REQUIRE(t.has_value());
  return *t;
}

}  // namespace feedd::testing
