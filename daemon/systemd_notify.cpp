#include "daemon/systemd_notify.h"

#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <ctime>
#include <string>

namespace feedd::daemon::systemd {
namespace {

bool send(const std::string& message) {
  return sd_notify(/*unset_environment=*/0, message.c_str()) > 0;
}

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1'000u;
}

std::string status_line(std::string_view text) {
  std::string line = "STATUS=";
  for (char c : text) {
    line += (c == '\n' || c == '\r' || c == '\0') ? ' ' : c;
  }
  return line;
}

}  // namespace

bool notify_ready(std::string_view status) {
  return send(status.empty() ? "READY=1" : "READY=1\n" + status_line(status));
}

bool notify_status(std::string_view text) { return send(status_line(text)); }

bool notify_progress(std::string_view text, std::chrono::microseconds more) {
  return send(status_line(text) + "\nEXTEND_TIMEOUT_USEC=" + std::to_string(more.count()));
}

bool notify_reloading() {
  return send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

bool notify_stopping() { return send("STOPPING=1"); }

bool notify_watchdog() { return send("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds(usec);
  }
  return std::nullopt;
}

boost::system::result<std::vector<int>> listen_fds() {
  int count = sd_listen_fds(/*unset_environment=*/1);
  if (count < 0) {
    return boost::system::error_code(-count, boost::system::system_category());
  }
  std::vector<int> fds;
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; ++fd) {
    int is_socket = sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, /*listening=*/1);
    if (is_socket < 0) {
      return boost::system::error_code(-is_socket, boost::system::system_category());
    }
    if (is_socket == 0) {
      return boost::system::error_code(ENOTSOCK, boost::system::system_category());
    }
    fds.push_back(fd);
  }
  return fds;
}

}  // namespace feedd::daemon::systemd
