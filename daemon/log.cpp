#include "daemon/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace feedd::daemon::log {
namespace {

std::atomic<int> threshold{static_cast<int>(Level::info)};

// journald sets JOURNAL_STREAM for services whose stderr it reads; then it parses "<N>".
bool journal_prefixes() {
  static const bool enabled = std::getenv("JOURNAL_STREAM") != nullptr;
  return enabled;
}

constexpr std::string_view level_name(Level level) {
  switch (level) {
    case Level::error:
      return "error";
    case Level::warning:
      return "warning";
    case Level::notice:
      return "notice";
    case Level::info:
      return "info";
    case Level::debug:
      return "debug";
  }
  return "info";
}

}  // namespace

void set_threshold(Level level) { threshold.store(static_cast<int>(level)); }

void write(Level level, std::string_view channel, std::string_view message) {
  if (static_cast<int>(level) > threshold.load(std::memory_order_relaxed)) {
    return;
  }
  std::string line;
  line.reserve(message.size() + channel.size() + 24);
  if (journal_prefixes()) {
    line += '<';
    line += static_cast<char>('0' + static_cast<int>(level));
    line += '>';
  } else {
    line += level_name(level);
    line += ": ";
  }
  line += channel;
  line += ": ";
  line += message;
  line += '\n';
  // One write(2) per line, so concurrent threads never interleave within a line.
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) {
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace feedd::daemon::log
