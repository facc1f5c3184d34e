// The ChangeClock that store.updated_from asks for: the git work tree's history ("git", or
// "auto" when store.path is in one) or none ("seen", or "auto" outside a work tree). Logs
// the choice once. Throws std::runtime_error (a startup error) when "git" is asked for and
// store.path is not in a git work tree. The clock is used on the indexer's thread only.
#pragma once

#include <memory>

#include "daemon/config.h"
#include "storage/history/git_change_clock.h"
#include "storage/readers/reader_options.h"

namespace feedd::daemon {

// nullptr: times are the times changes are seen.
std::unique_ptr<storage::GitChangeClock> open_store_clock(const Config::Store& store,
                                                          const storage::ReaderOptions& options);

}  // namespace feedd::daemon
