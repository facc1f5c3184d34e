#include "storage/readers/reader_fingerprint.h"

#include <date/tz.h>

#include "common/sha256.h"

namespace feedd::storage {

std::string reader_fingerprint(const ReaderOptions& options, const LibraryVersions& versions) {
  common::Sha256 hash;
  hash.field(std::to_string(kReaderRevision));
  hash.field(options.timezone != nullptr ? options.timezone->name() : "");
  hash.field(std::to_string(options.default_time.count()));
  hash.field(options.default_language);
  hash.field(std::to_string(options.max_file_bytes));
  hash.field(std::to_string(options.languages.size()));
  for (const auto& language : options.languages) {
    hash.field(language);
  }
  // In order: the longest marker is tried first, and of two as long the first given.
  hash.field(std::to_string(options.markers.size()));
  for (const auto& marker : options.markers) {
    hash.field(marker.marker).field(marker.lang);
  }
  hash.field(versions.tzdata).field(versions.md4c).field(versions.md4c_html);
  return hash.hex().substr(0, 16);
}

}  // namespace feedd::storage
