// A thin logging facade: one line per event on stderr, with a channel name per subsystem; a
// multi-line message (a command's output) is one line per line, each prefixed, continuation
// lines marked "| ", control characters as spaces. Under systemd (JOURNAL_STREAM set) each line
// starts with "<N>", the syslog priority that journald parses. Thread-safe: each message is
// written with one call. Never log holding a lock.
#pragma once

#include <string>
#include <string_view>

namespace feedd::daemon::log {

enum class Level { error = 3, warning = 4, info = 6, debug = 7 };  // syslog priorities

void write(Level level, std::string_view channel, std::string_view message);

inline void error(std::string_view channel, std::string_view message) {
  write(Level::error, channel, message);
}
inline void warning(std::string_view channel, std::string_view message) {
  write(Level::warning, channel, message);
}
inline void info(std::string_view channel, std::string_view message) {
  write(Level::info, channel, message);
}
inline void debug(std::string_view channel, std::string_view message) {
  write(Level::debug, channel, message);
}

// The bytes write() puts on stderr: "<N>channel: message" with `journal` (else
// "level: channel: message"), one line per line of `message`, the later ones "channel: | ...".
std::string format(Level level, std::string_view channel, std::string_view message, bool journal);

// Lines below `level` are dropped (default: info). Set once at start-up.
void set_threshold(Level level);

}  // namespace feedd::daemon::log
