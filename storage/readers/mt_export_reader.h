// Reads SPEC format 3, the Movable Type export format (also TypePad and blog services built
// on it): many entries in one file. Pure functions; thread-safe; never throw for bad input:
// a bad entry gives a Problem at its first line and the other entries still parse.
#pragma once

#include <string>
#include <string_view>

#include "storage/readers/post_reader.h"

namespace feedd::storage {

// True when the file opens with "FIELD: value" header lines (upper-case names) that
// include TITLE, BASENAME or STATUS, followed by a "-----" or "--------" line. A leading
// byte order mark is skipped, here and by read_mt_export.
bool looks_like_mt_export(std::string_view bytes);

// Each entry's bytes are checked on their own: NUL bytes or invalid UTF-8 in an entry, a
// TITLE or BASENAME over its bound, or Markdown over its bounds (reader_limits.h) make that
// entry a problem at its line; the file's other entries are read as usual.
// Every entry with STATUS Publish gives a post; Draft, Future, Review and Unpublish entries
// give a post flagged `draft` (never in a feed). The key is BASENAME with '/' turned into
// '-', else "mt-<file stem>-<YYYYMMDDhhmmss of DATE>". position is the entry's index.
ReadResult read_mt_export(std::string_view path, std::string_view bytes,
                          const ReaderOptions& options);

}  // namespace feedd::storage
