// What turns a post file's bytes into posts, besides the bytes: the readers' own revision, the
// options they read with (site.timezone, site.default_time, site.default_language, the
// languages and their title markers, store.max_file_bytes) and the versions of tzdata and md4c
// (library_versions.h). The index keeps, for each file, the fingerprint it was read with; a
// file read with another one is read again, so that a fixed reader, a changed setting or an
// upgraded library reaches posts already indexed, as a new index would have them. Pure
// functions.
#pragma once

#include <string>

#include "storage/readers/library_versions.h"
#include "storage/readers/reader_options.h"

namespace feedd::storage {

// Raise it with every change that makes a reader give other posts (another title, content,
// date, language, problem...) for the same bytes and options. 1: every change before the
// fingerprint existed (legacy encodings, 28e17e1; Markdown's &#128;-&#159;, 1a89b19). 2: front
// matter `lang` matched to the languages by RFC 4647 lookup ("EN_us", "en-Latn-US" -> "en"),
// so that posts indexed with the old rule (kept as written) get the configured language.
// 3: page text whose navigation line names no neighbour ("Top page" alone, before the date
// line and again last) is read, not refused for a missing date line.
// An upgrade of tzdata or md4c needs no new revision: their versions are inputs of their own.
inline constexpr int kReaderRevision = 3;

// 16 hex digits of the SHA-256 of kReaderRevision, every option above and `versions`
// (library_versions() in feedd; the versions are a parameter so that tests can vary them).
// (The bound is in it as the readers apply it to decoded text too: a Shift_JIS file may pass
// it and its UTF-8 not.) A library version that cannot be found is "unknown", which is as
// stable as a version: such a library's upgrade goes unseen.
std::string reader_fingerprint(const ReaderOptions& options, const LibraryVersions& versions);

}  // namespace feedd::storage
