// Builds the snapshot that is served: everything SitePipeline renders (feeds, pages,
// feed.css) as snapshot resources, with the browser variant of each feed, and the post
// counts for /metrics. Runs on the control thread (it queries the index); the result is
// immutable and may go to any thread. Throws storage::IndexError when SQLite fails.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "daemon/config.h"
#include "daemon/pipeline/site_pipeline.h"
#include "feeds/snapshot.h"

namespace feedd::daemon {

// Renders everything served (feeds, "/" and "/L/" pages, /feed.css) from the index as it
// is now into snapshot `generation`, reusing `previous`'s unchanged resources (and, unless
// `recount`, its post counts: counting costs ~10 ms on 100,000 posts, and an edit changes
// no count). Throws storage::IndexError when SQLite fails.
std::shared_ptr<const feeds::Snapshot> build_snapshot(SitePipeline& pipeline, const Config& config,
                                                      std::chrono::sys_seconds now,
                                                      std::uint64_t generation,
                                                      const feeds::Snapshot* previous,
                                                      bool recount = true);

// A rendered feed or page as a snapshot resource source; a feed also gets the content type
// browsers are given instead (see feeds::Resource), the WebSub `Link` field when `site`
// advertises hubs, and an Atom or RSS feed remembers `delta_versions` versions for RFC 3229
// deltas (feeds.delta_versions).
feeds::ResourceSource resource_source(feeds::RenderedFeed rendered, const feeds::SiteOptions& site,
                                      int delta_versions = 0);

}  // namespace feedd::daemon
