// The outside validators every produced feed must pass: xmllint (well-formed XML), xmllint
// --relaxng with tests/feeds/testdata/atom.rng (RFC 4287) for Atom, and python3-feedparser
// or the JSON Feed 1.1 rules (tests/integration/check_feeds.py). Failures are Boost.Test
// assertion failures in the calling test; call it from the test's thread only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace feedd::testing {

// The nine feeds of a two-language site, relative to an output directory.
extern const std::vector<std::string> kFeedFiles;

// Validates every file of kFeedFiles under `dir` (each must exist); returns
// check_feeds.py's report, one "<file> <entries> <lang>" line per feed.
std::string validate_feeds(const std::filesystem::path& dir);
// The same for `files` (relative to `dir`, feeds of any name).
std::string validate_feeds(const std::filesystem::path& dir, const std::vector<std::string>& files);

}  // namespace feedd::testing
