#include "daemon/outbound/outbound_service.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>

#include "common/metric_text.h"
#include "daemon/log.h"

namespace feedd::daemon {

namespace {

// Linux gives each thread its own nice value (threads inherit their creator's): raising this
// one's lets the serving threads have the CPU whenever both want it. Raising a nice value
// needs no privilege; a failure (a seccomp filter) is logged and changes nothing else.
void lower_priority() {
  const auto self = static_cast<id_t>(gettid());
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, self);
  if (errno != 0 ||
      setpriority(PRIO_PROCESS, self, std::min(nice + kOutboundNiceIncrement, 19)) != 0) {
    log::warning("outbound", std::string("cannot lower the outbound thread's priority: ") +
                                 std::strerror(errno));
  }
}

}  // namespace

OutboundService::OutboundService(ClientOptions options)
    : client_(io_, std::move(options)), work_(boost::asio::make_work_guard(io_)) {
  thread_ = std::thread([this] {
    // Named for top -H, perf and /proc/PID/task/*/comm (the bench reads its CPU time there).
    pthread_setname_np(pthread_self(), "feedd-outbound");
    lower_priority();
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
  common::append_metric_type(out, "feedd_outbound_requests_total", "counter");
  common::append_metric_sample(out, "feedd_outbound_requests_total",
                               common::metric_label("result", "response"), stats.sent);
  common::append_metric_sample(out, "feedd_outbound_requests_total",
                               common::metric_label("result", "error"), stats.failed);
  common::append_metric_type(out, "feedd_outbound_refused_total", "counter");
  common::append_metric_sample(out, "feedd_outbound_refused_total", "", stats.refused);
  common::append_metric_type(out, "feedd_outbound_running", "gauge");
  common::append_metric_sample(out, "feedd_outbound_running", "", stats.running);
  // The suspect lane (http_client.h): requests to destinations that failed before, and those
  // moved there once unanswered for stall_after.
  common::append_metric_type(out, "feedd_outbound_running_suspect", "gauge");
  common::append_metric_sample(out, "feedd_outbound_running_suspect", "", stats.running_suspect);
  common::append_metric_type(out, "feedd_outbound_suspect_total", "counter");
  common::append_metric_sample(out, "feedd_outbound_suspect_total", "", stats.suspect);
  common::append_metric_type(out, "feedd_outbound_stalled_total", "counter");
  common::append_metric_sample(out, "feedd_outbound_stalled_total", "", stats.stalled);
  common::append_metric_type(out, "feedd_outbound_queued", "gauge");
  common::append_metric_sample(out, "feedd_outbound_queued", "", stats.queued);
  // Keep-alive: connections opened, requests sent on a kept one (and of those, resent on a
  // new one because the kept one had been closed), connections kept open now.
  common::append_metric_type(out, "feedd_outbound_connections_opened_total", "counter");
  common::append_metric_sample(out, "feedd_outbound_connections_opened_total", "", stats.opened);
  common::append_metric_type(out, "feedd_outbound_connections_reused_total", "counter");
  common::append_metric_sample(out, "feedd_outbound_connections_reused_total", "", stats.reused);
  common::append_metric_type(out, "feedd_outbound_retries_total", "counter");
  common::append_metric_sample(out, "feedd_outbound_retries_total", "", stats.retried);
  common::append_metric_type(out, "feedd_outbound_connections_idle", "gauge");
  common::append_metric_sample(out, "feedd_outbound_connections_idle", "", stats.idle);
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
