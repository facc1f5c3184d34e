// reader_fingerprint: the same inputs give the same fingerprint, and each option and each
// library version is part of it.
#include "storage/readers/reader_fingerprint.h"

#include <boost/test/unit_test.hpp>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/reader_fixtures.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(reader_fingerprint_test)

namespace {

// The bilingual test blog's options (tests/support/reader_fixtures.h).
ReaderOptions options() { return testing::tokyo_options(); }

LibraryVersions versions() {
  return {"2024a", "da235275f1a2756cfe828293436dbc574770f7a6",
          "973b6386964e21c4b78066b67f7b9bbd20eb16a9"};
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_inputs_same_fingerprint) {
  const std::string fingerprint = reader_fingerprint(options(), versions());
  BOOST_TEST(std::regex_match(fingerprint, std::regex("[0-9a-f]{16}")), fingerprint);
  BOOST_TEST(reader_fingerprint(options(), versions()) == fingerprint);
}

BOOST_AUTO_TEST_CASE(each_library_version_changes_it) {
  const std::string base = reader_fingerprint(options(), versions());
  const std::vector<std::function<void(LibraryVersions&)>> changes = {
      [](LibraryVersions& v) { v.tzdata = "2024b"; },
      [](LibraryVersions& v) { v.tzdata = std::string(kUnknownVersion); },
      [](LibraryVersions& v) { v.md4c = "0e5e42e0a0d9b6ad6d68c5b0c22f4d4b3f3e1c7a"; },
      [](LibraryVersions& v) { v.md4c = std::string(kUnknownVersion); },
      [](LibraryVersions& v) { v.md4c_html = "5d1f0c4b7d7e5a0b3e1a9c6f2d8b4e7a1c3f5e9d"; },
      [](LibraryVersions& v) { v.md4c_html = std::string(kUnknownVersion); },
      // Each version is a field of its own: text moved from one to the next is another input.
      [](LibraryVersions& v) {
        v.md4c = v.md4c_html.substr(0, 1) + v.md4c;
        v.md4c_html.erase(0, 1);
      },
      [](LibraryVersions& v) { std::swap(v.md4c, v.md4c_html); },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    BOOST_TEST_CONTEXT("change " << i) {
      LibraryVersions changed = versions();
      changes[i](changed);
      BOOST_TEST(reader_fingerprint(options(), changed) != base);
    }
  }
}

BOOST_AUTO_TEST_CASE(each_option_changes_it) {
  const std::string base = reader_fingerprint(options(), versions());
  const std::vector<std::function<void(ReaderOptions&)>> changes = {
      [](ReaderOptions& o) { o.default_time = std::chrono::minutes(9 * 60); },
      [](ReaderOptions& o) { o.default_language = "en"; },
      [](ReaderOptions& o) {
        o.languages = {"en", "ja"};
      },
      [](ReaderOptions& o) { o.languages.push_back("en-GB"); },
      [](ReaderOptions& o) {
        o.markers = {{"[EN]", "en"}};
      },
      [](ReaderOptions& o) { o.max_file_bytes /= 2; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    BOOST_TEST_CONTEXT("change " << i) {
      ReaderOptions changed = options();
      changes[i](changed);
      BOOST_TEST(reader_fingerprint(changed, versions()) != base);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
