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
    case Level::info:
      return "info";
    case Level::debug:
      return "debug";
  }
  return "info";
}

}  // namespace

void set_threshold(Level level) { threshold.store(static_cast<int>(level)); }

std::string format(Level level, std::string_view channel, std::string_view message, bool journal) {
  std::string prefix;
  if (journal) {
    prefix += '<';
    prefix += static_cast<char>('0' + static_cast<int>(level));
    prefix += '>';
  } else {
    prefix += level_name(level);
    prefix += ": ";
  }
  prefix += channel;
  // journald splits on '\n': without a prefix of their own, the lines after the first would
  // get the default priority, no context, and take a "<N>" in a command's output as theirs.
  std::string lines;
  lines.reserve(message.size() + prefix.size() + 24);
  bool first = true;
  while (first || !message.empty()) {
    auto end = message.find('\n');
    std::string_view part = message.substr(0, end);
    message = end == std::string_view::npos ? std::string_view() : message.substr(end + 1);
    lines += prefix;
    lines += first ? ": " : ": | ";
    for (char c : part) {
      // Control characters (a progress bar's '\r', colour escapes) would make journalctl
      // show the line as a blob.
      lines += (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f' ? ' ' : c;
    }
    lines += '\n';
    first = false;
  }
  return lines;
}

void write(Level level, std::string_view channel, std::string_view message) {
  if (static_cast<int>(level) > threshold.load(std::memory_order_relaxed)) {
    return;
  }
  const std::string line = format(level, channel, message, journal_prefixes());
  // One write(2) per message, so concurrent threads never interleave within it.
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
