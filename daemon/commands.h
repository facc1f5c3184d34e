// The command line: `feedd [--config FILE] COMMAND [options]` with COMMAND one of serve,
// build, check, posts. Each command returns the process exit status; start-up errors
// (configuration, index) are caught here, logged and turned into a non-zero status.
// Called once from main; not reentrant.
#pragma once

namespace feedd::daemon {

int run_command_line(int argc, char** argv);

}  // namespace feedd::daemon
