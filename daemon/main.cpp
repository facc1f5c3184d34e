// feedd's entry point; everything else lives in the feedd_daemon library so tests can link it.
#include "daemon/commands.h"

int main(int argc, char** argv) { return feedd::daemon::run_command_line(argc, argv); }
