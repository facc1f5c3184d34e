// The service manager's side channel (libsystemd): sd_notify messages for Type=notify units,
// the watchdog interval, and the sockets handed over by socket activation. Every call is a
// no-op answering false / nullopt / empty when not run by systemd (NOTIFY_SOCKET, WATCHDOG_USEC
// or LISTEN_FDS unset). Thread-safe (each message is one datagram). Send failures are
// reported as false, never thrown: losing a notification must not stop the daemon.
#pragma once

#include <boost/system/result.hpp>
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace feedd::daemon::systemd {

// Each returns true when the message was sent to the service manager.
// READY=1 (also after a reload has finished), with STATUS=<status> in the same message when
// given: `systemctl start` then never returns before the status is there.
bool notify_ready(std::string_view status = {});
bool notify_status(std::string_view text);  // STATUS=<text> (line breaks become spaces)
// STATUS=<text> and EXTEND_TIMEOUT_USEC=<more>: a start-up or reload that is making progress
// gets `more` time from now, if that ends later than its time-out (TimeoutStartSec=).
bool notify_progress(std::string_view text, std::chrono::microseconds more);
bool notify_reloading();  // RELOADING=1 + MONOTONIC_USEC=<now> (systemd ≥ 253 wants both)
bool notify_stopping();   // STOPPING=1
bool notify_watchdog();   // WATCHDOG=1

// WatchdogSec= as passed in WATCHDOG_USEC (for this process); nullopt when off. Send
// notify_watchdog() at half this interval or more often.
std::optional<std::chrono::microseconds> watchdog_interval();

// The listening stream sockets passed by socket activation (fds 3, 4, ... for this
// process), marked close-on-exec; LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES are then unset so that
// children do not see them. Empty when none were passed. An error when the variables are
// malformed or a passed descriptor is not a listening stream socket (errc::not_a_socket).
boost::system::result<std::vector<int>> listen_fds();

}  // namespace feedd::daemon::systemd
