// A digest of everything rendering reads from a feed's entries: every field of each Post and
// of its Entry (id, updated, url, translations), in order. Equal digests (for the same
// SiteOptions) render to equal bytes, so a regeneration can skip the feeds whose input did not
// change. Pure; thread-safe. Whoever adds a field to storage::Post or feeds::Entry adds it
// here too (tests/feeds/feed_digest_test.cpp changes each field and expects a new digest).
#pragma once

#include <string>

#include "feeds/entry.h"
#include "feeds/site_options.h"

namespace feedd::feeds {

std::string feed_digest(const FeedContent& feed);

// A digest of every SiteOptions field rendering reads: bytes cached under a digest of their
// entries (topic feeds) are valid only under the same site options (a SIGHUP may change them).
std::string site_digest(const SiteOptions& site);

}  // namespace feedd::feeds
