#include "daemon/outbound/outbound_service.h"

#include <exception>

#include "daemon/log.h"

namespace feedd::daemon {

OutboundService::OutboundService(ClientOptions options)
    : client_(io_, std::move(options)), work_(boost::asio::make_work_guard(io_)) {
  thread_ = std::thread([this] {
    while (true) {
      try {
        io_.run();
        return;
      } catch (const std::exception& error) {  // a handler that throws must not end the thread
        log::error("outbound", std::string("handler failed: ") + error.what());
      }
    }
  });
}

OutboundService::~OutboundService() { stop(); }

void OutboundService::render_metrics(std::string& out) const {
  const ClientStats stats = client_.stats();
  out += "# TYPE feedd_outbound_requests_total counter\n";
  out += "feedd_outbound_requests_total{result=\"response\"} " + std::to_string(stats.sent) + "\n";
  out += "feedd_outbound_requests_total{result=\"error\"} " + std::to_string(stats.failed) + "\n";
  out += "# TYPE feedd_outbound_refused_total counter\n";
  out += "feedd_outbound_refused_total " + std::to_string(stats.refused) + "\n";
  out += "# TYPE feedd_outbound_running gauge\n";
  out += "feedd_outbound_running " + std::to_string(stats.running) + "\n";
  out += "# TYPE feedd_outbound_queued gauge\n";
  out += "feedd_outbound_queued " + std::to_string(stats.queued) + "\n";
}

void OutboundService::stop() {
  client_.shutdown();
  work_.reset();
  io_.stop();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

}  // namespace feedd::daemon
