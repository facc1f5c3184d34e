// RFC 3229 `feed` instance-manipulation: the body of a 226 response, made from the current
// Atom or RSS document by keeping only the entries (Atom `entry` by `id`, RSS `item` by
// `guid`) and tombstones (`at:deleted-entry` by `ref`) a DeltaSelection names; the feed-level
// elements stay as they are, and so does the order (newest first). Pure; thread-safe.
// Fails (empty result) only for a document that is not one feedd rendered.
#pragma once

#include <string>
#include <string_view>

#include "feeds/feed_versions.h"

namespace feedd::feeds {

// `document`: identity bytes of an Atom or RSS feed as the renderers write them. Saved with
// the renderers' flags, so keeping everything gives `document` back byte for byte.
std::string render_delta(std::string_view document, const DeltaSelection& keep);

}  // namespace feedd::feeds
