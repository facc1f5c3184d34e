// library_versions: tzdata's version from tzdata.zi, and the GNU build IDs of the md4c
// libraries this test binary loaded, checked against what readelf says of the same files.
#include "storage/readers/library_versions.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/test_support.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(library_versions_test)

namespace {

// The path of the loaded object whose file name starts with `library`, from /proc/self/maps.
std::string mapped_path(const std::string& library) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const std::size_t path = line.find('/');
    if (path != std::string::npos && line.find("/" + library + ".", path) != std::string::npos) {
      return line.substr(path);
    }
  }
  return {};
}

// The build ID readelf -n prints for `path`, or "".
std::string readelf_build_id(const std::string& path) {
  const testing::CommandResult result = testing::run_command({"readelf", "-n", path});
  BOOST_TEST_REQUIRE(result.exit_status == 0, result.output);
  std::smatch match;
  static const std::regex kBuildId("Build ID: ([0-9a-f]+)");
  return std::regex_search(result.output, match, kBuildId) ? match[1].str() : std::string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(tzdata_version_is_the_first_line_of_tzdata_zi) {
  std::ifstream zi{std::string(kTzdataZi)};
  std::string first_line;
  BOOST_TEST_REQUIRE(static_cast<bool>(std::getline(zi, first_line)), "tzdata is installed");
  std::istringstream words(first_line);
  std::string hash;
  std::string word;
  std::string version;
  words >> hash >> word >> version;
  BOOST_TEST_REQUIRE((hash == "#" && word == "version"), first_line);
  BOOST_TEST(std::regex_match(version, std::regex("[0-9]{4}[a-z]")), version);
  BOOST_TEST(tzdata_version() == version);
}

BOOST_AUTO_TEST_CASE(tzdata_version_of_other_files) {
  const testing::TempDir dir;
  const auto version_of = [&](const std::string& bytes) {
    testing::write_file(dir / "tzdata.zi", bytes);
    return tzdata_version(dir / "tzdata.zi");
  };
  BOOST_TEST(version_of("# version 2024a\n# bundled with...\nR d 1916 o - Ap 30 23 1 S\n") ==
             "2024a");
  BOOST_TEST(version_of("# version 2025b") == "2025b");           // no newline
  BOOST_TEST(version_of("# version 2024a\r\nZ x\n") == "2024a");  // CRLF
  BOOST_TEST(version_of("# version  2024a-9-g12ab extra\n") == "2024a-9-g12ab");
  BOOST_TEST(version_of("# version \n") == kUnknownVersion);
  BOOST_TEST(version_of("# version \r\n") == kUnknownVersion);
  BOOST_TEST(version_of("# Version 2024a\n") == kUnknownVersion);
  BOOST_TEST(version_of("R d 1916 o - Ap 30 23 1 S\n# version 2024a\n") == kUnknownVersion);
  BOOST_TEST(version_of("") == kUnknownVersion);
  BOOST_TEST(tzdata_version(dir / "missing.zi") == kUnknownVersion);
  BOOST_TEST(tzdata_version(dir.path()) == kUnknownVersion);  // a directory
}

BOOST_AUTO_TEST_CASE(md4c_build_ids_are_those_readelf_reads) {
  for (const std::string library : {"libmd4c.so", "libmd4c-html.so"}) {
    BOOST_TEST_CONTEXT(library) {
      const std::string id = loaded_build_id(library);
      BOOST_TEST(std::regex_match(id, std::regex("[0-9a-f]{40}")), id);  // SHA-1, Debian's ld
      BOOST_TEST(loaded_build_id(library) == id);                        // stable
      const std::string path = mapped_path(library);
      BOOST_TEST_REQUIRE(!path.empty(), library << " is loaded");
      BOOST_TEST(readelf_build_id(path) == id);
    }
  }
  BOOST_TEST(loaded_build_id("libmd4c.so") != loaded_build_id("libmd4c-html.so"));
  BOOST_TEST(library_versions().md4c == loaded_build_id("libmd4c.so"));
  BOOST_TEST(library_versions().md4c_html == loaded_build_id("libmd4c-html.so"));
  BOOST_TEST(library_versions().tzdata == tzdata_version());
}

BOOST_AUTO_TEST_CASE(libraries_not_loaded_are_unknown) {
  BOOST_TEST(loaded_build_id("libnot-loaded-here.so") == kUnknownVersion);
  BOOST_TEST(loaded_build_id("libmd4c.s") == kUnknownVersion);  // whole names only
  BOOST_TEST(loaded_build_id("md4c.so") == kUnknownVersion);    // from the start of the name
  BOOST_TEST(loaded_build_id("") == kUnknownVersion);           // not the program (its name is "")
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
