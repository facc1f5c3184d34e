// `feedd build --out DIR`'s topic feeds and RFC 5005 archive pages: the files whose number
// grows with the store (three per topic, one per feeds.archive_size posts of each language
// and of all) and whose rendering reads every post's full content. Each is rendered only
// when it is not current in DIR: when the digest of its inputs (its catalog's digest, and
// which feedd binary renders it) differs from the one recorded when a build last wrote it
// into DIR, or the file there no longer has the size and mtime it was written with. The
// records live in the index (storage::Index::built_files): losing them costs one full
// render, nothing else. Collected from the index a batch at a time on the calling thread,
// while the batch before is parsed and rendered on worker threads (an archive page holds the
// full content of its posts: at most two batches in memory). Not thread-safe (the pipeline's).
#pragma once

#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>

#include "daemon/pipeline/site_pipeline.h"

namespace feedd::daemon {

struct CatalogFilesWritten {
  std::size_t files = 0;     // topic feeds and archive pages the site has
  std::size_t rendered = 0;  // of those, rendered by this build (the others were current)
  int changed = 0;           // files whose bytes on disk changed
};

// Writes every topic feed and archive page of `pipeline`'s last render() into `out`
// (absolute), or leaves it when current. Fails with the first write's error; what was
// written before it is recorded. A record the index cannot take (read-only, in memory)
// is logged once and costs the next build a render. `threads`: how many threads render
// (0: one per core, at most 4; 1: all on the calling thread, as tests compare): the bytes
// written are the same for any number.
boost::system::result<CatalogFilesWritten> write_catalog_files(SitePipeline& pipeline,
                                                               const std::filesystem::path& out,
                                                               std::chrono::sys_seconds now,
                                                               std::size_t threads = 0);

}  // namespace feedd::daemon
