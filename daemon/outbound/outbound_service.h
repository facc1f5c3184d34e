// The daemon's own thread for outgoing work: an io_context run by one thread that is not a
// serving thread ("feedd-outbound" in top -H and perf, kOutboundNiceIncrement nicer than the
// process: deliveries yield the CPU to serving), with the HttpClient on it. Users (WebSub,
// cache purges) send through client() and may put their timers on context(). stop()
// (idempotent, also the destructor) shuts the client down (no callback runs after it), stops
// the context and joins the thread; call it before destroying anything the callbacks touch.
// Thread-safe.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

#include "daemon/outbound/http_client.h"

namespace feedd::daemon {

// Added to the process's nice value for the outbound thread (19 at most).
inline constexpr int kOutboundNiceIncrement = 10;

class OutboundService {
 public:
  explicit OutboundService(ClientOptions options);  // throws as HttpClient does
  ~OutboundService();
  OutboundService(const OutboundService&) = delete;
  OutboundService& operator=(const OutboundService&) = delete;

  HttpClient& client() { return client_; }
  boost::asio::io_context& context() { return io_; }
  void stop();
  // The client's counters as Prometheus text (feedd_outbound_*), for Metrics::add_section.
  void render_metrics(std::string& out) const;

 private:
  boost::asio::io_context io_{1};
  HttpClient client_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

}  // namespace feedd::daemon
