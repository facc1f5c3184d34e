#include "daemon/watchdog.h"

#include "daemon/systemd_notify.h"

namespace feedd::daemon {

void Watchdog::start() {
  if (auto interval = systemd::watchdog_interval()) {
    period_ = *interval / 2;
    tick({});
  }
}

void Watchdog::tick(const boost::system::error_code& ec) {
  if (ec) {
    return;
  }
  systemd::notify_watchdog();
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& next) { tick(next); });
}

}  // namespace feedd::daemon
