#include "daemon/websub/websub_counters.h"

namespace feedd::daemon {
namespace {

void line(std::string& out, std::string_view name, std::string_view labels,
          const std::atomic<std::uint64_t>& value) {
  out.append(name).append(labels).append(" ").append(std::to_string(value.load())).append("\n");
}

}  // namespace

void WebSubCounters::render(std::string& out) const {
  out += "# TYPE feedd_websub_publish_total counter\n";
  line(out, "feedd_websub_publish_total", "{result=\"ok\"}", publish_ok);
  line(out, "feedd_websub_publish_total", "{result=\"failed\"}", publish_failed);
  line(out, "feedd_websub_publish_total", "{result=\"dropped\"}", publish_dropped);
  out += "# TYPE feedd_websub_deliveries_total counter\n";
  line(out, "feedd_websub_deliveries_total", "{result=\"ok\"}", delivered);
  line(out, "feedd_websub_deliveries_total", "{result=\"failed\"}", delivery_failed);
  line(out, "feedd_websub_deliveries_total", "{result=\"dropped\"}", delivery_dropped);
  line(out, "feedd_websub_deliveries_total", "{result=\"gone\"}", gone);
  out += "# TYPE feedd_websub_intents_total counter\n";
  line(out, "feedd_websub_intents_total", "{result=\"verified\"}", verified);
  line(out, "feedd_websub_intents_total", "{result=\"failed\"}", verify_failed);
  line(out, "feedd_websub_intents_total", "{result=\"denied\"}", denied);
  line(out, "feedd_websub_intents_total", "{result=\"refused\"}", refused);
  out += "# TYPE feedd_websub_expired_total counter\n";
  line(out, "feedd_websub_expired_total", "", expired);
  out += "# TYPE feedd_websub_subscriptions gauge\n";
  line(out, "feedd_websub_subscriptions", "", subscriptions);
  out += "# TYPE feedd_websub_outbox gauge\n";
  line(out, "feedd_websub_outbox", "", outbox);
}

}  // namespace feedd::daemon
