// A test-only hook that makes the indexer hang, so that a test can watch systemd's watchdog
// restart the service: with FEEDD_TEST_STALL_INDEXER=<path> in the environment (read once),
// a rescan that starts while <path> exists logs a warning and blocks the calling (control)
// thread until <path> is removed. Without the variable (production) it does nothing.
// Thread-safe; call it only where blocking is the point: the indexer's rescans.
#pragma once

namespace feedd::daemon {

void stall_indexer_if_asked();

}  // namespace feedd::daemon
