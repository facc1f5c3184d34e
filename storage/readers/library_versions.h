// The versions of the system libraries whose behaviour changes what the readers read: tzdata
// (a post's local date and time) and md4c / md4c-html (Markdown to HTML). They go into the
// reader fingerprint, so that an upgrade of either reads every post again. Neither library
// tells its version here: date 3.0.1 built with USE_OS_TZDB (Debian) answers "unknown" for
// get_tzdb().version, and md4c 0.4.8 has no version macro. So tzdata's is read from the first
// line of tzdata.zi, and md4c's is the GNU build ID of the shared object this process loaded.
// Thread-safe; never throw (except bad_alloc): a version that cannot be found is
// kUnknownVersion.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace feedd::storage {

inline constexpr std::string_view kUnknownVersion = "unknown";

// tzdata's text form, shipped by Debian's tzdata package beside the files date/tz reads.
inline constexpr std::string_view kTzdataZi = "/usr/share/zoneinfo/tzdata.zi";

struct LibraryVersions {
  std::string tzdata = std::string(kUnknownVersion);     // "2024a"
  std::string md4c = std::string(kUnknownVersion);       // build ID of libmd4c.so, hex
  std::string md4c_html = std::string(kUnknownVersion);  // build ID of libmd4c-html.so, hex
};

// The token after "# version" on the first line of `tzdata_zi` ("# version 2024a" -> "2024a"),
// or kUnknownVersion when the file cannot be read or its first line is not of that form.
std::string tzdata_version(const std::filesystem::path& tzdata_zi = kTzdataZi);

// The NT_GNU_BUILD_ID note, in lowercase hex, of the shared object loaded in this process
// whose file name is `library` or starts with `library` and a '.' ("libmd4c.so" finds
// .../libmd4c.so.0), or kUnknownVersion when none is loaded or it has no build ID.
std::string loaded_build_id(std::string_view library);

// The versions of this process's libraries, found on the first call and kept: the libraries
// loaded do not change while it runs (a tzdata upgrade meanwhile is seen at the next start).
const LibraryVersions& library_versions();

}  // namespace feedd::storage
