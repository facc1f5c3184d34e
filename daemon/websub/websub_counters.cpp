#include "daemon/websub/websub_counters.h"

#include "common/metric_text.h"

namespace feedd::daemon {
namespace {

// One sample of `name`, labelled result="<result>" (no label when empty).
void line(std::string& out, std::string_view name, std::string_view result,
          const std::atomic<std::uint64_t>& value) {
  common::append_metric_sample(
      out, name, result.empty() ? std::string() : common::metric_label("result", result),
      value.load());
}

}  // namespace

void WebSubCounters::render(std::string& out) const {
  common::append_metric_type(out, "feedd_websub_publish_total", "counter");
  line(out, "feedd_websub_publish_total", "ok", publish_ok);
  line(out, "feedd_websub_publish_total", "failed", publish_failed);
  line(out, "feedd_websub_publish_total", "dropped", publish_dropped);
  common::append_metric_type(out, "feedd_websub_deliveries_total", "counter");
  line(out, "feedd_websub_deliveries_total", "ok", delivered);
  line(out, "feedd_websub_deliveries_total", "failed", delivery_failed);
  line(out, "feedd_websub_deliveries_total", "dropped", delivery_dropped);
  line(out, "feedd_websub_deliveries_total", "gone", gone);
  common::append_metric_type(out, "feedd_websub_intents_total", "counter");
  line(out, "feedd_websub_intents_total", "verified", verified);
  line(out, "feedd_websub_intents_total", "failed", verify_failed);
  line(out, "feedd_websub_intents_total", "denied", denied);
  line(out, "feedd_websub_intents_total", "refused", refused);
  common::append_metric_type(out, "feedd_websub_expired_total", "counter");
  line(out, "feedd_websub_expired_total", "", expired);
  common::append_metric_type(out, "feedd_websub_waited_total", "counter");
  line(out, "feedd_websub_waited_total", "", waited);
  common::append_metric_type(out, "feedd_websub_deferred_total", "counter");
  line(out, "feedd_websub_deferred_total", "", deferred);
  common::append_metric_type(out, "feedd_websub_subscriptions", "gauge");
  line(out, "feedd_websub_subscriptions", "", subscriptions);
  common::append_metric_type(out, "feedd_websub_outbox", "gauge");
  line(out, "feedd_websub_outbox", "", outbox);
}

}  // namespace feedd::daemon
