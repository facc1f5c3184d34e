#include "daemon/http/metrics.h"

#include "feeds/snapshot.h"

namespace feedd::daemon {

std::string_view route_kind_name(RouteKind kind) {
  switch (kind) {
    case RouteKind::feed:
      return "feed";
    case RouteKind::page:
      return "page";
    case RouteKind::asset:
      return "asset";
    case RouteKind::healthz:
      return "healthz";
    case RouteKind::metrics:
      return "metrics";
    case RouteKind::hook:
      return "hook";
    case RouteKind::redirect:
      return "redirect";
    case RouteKind::other:
      break;
  }
  return "other";
}

std::string_view shed_reason_name(ShedReason reason) {
  switch (reason) {
    case ShedReason::idle:
      return "idle";
    case ShedReason::slow_head:
      return "slow_head";
    case ShedReason::full:
      break;
  }
  return "full";
}

std::size_t Metrics::status_slot(int status) {
  for (std::size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) {
      return i;
    }
  }
  return kStatuses.size() - 1;
}

void Metrics::record(RouteKind route, int status, std::uint64_t bytes) {
  requests_[static_cast<std::size_t>(route)][status_slot(status)].fetch_add(
      1, std::memory_order_relaxed);
  if (status == 304) {
    not_modified_.fetch_add(1, std::memory_order_relaxed);
  }
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

void Metrics::render_connections(std::string& out) const {
  out +=
      "# HELP feedd_connections_open Client connections open.\n"
      "# TYPE feedd_connections_open gauge\n"
      "feedd_connections_open " +
      std::to_string(connections_open_.load(std::memory_order_relaxed)) +
      "\n"
      "# HELP feedd_connections_max The connection cap; at it, new connections shed others.\n"
      "# TYPE feedd_connections_max gauge\n"
      "feedd_connections_max " +
      std::to_string(connection_limit_.load(std::memory_order_relaxed)) +
      "\n"
      "# HELP feedd_connections_reading_head Connections that sent part of a request head "
      "and wait for the rest.\n"
      "# TYPE feedd_connections_reading_head gauge\n"
      "feedd_connections_reading_head " +
      std::to_string(reading_head_.load(std::memory_order_relaxed)) +
      "\n"
      "# HELP feedd_connections_shed_total Connections given up at the connection cap: "
      "closed while waiting for a request (idle) or its head (slow_head), or new ones "
      "answered 503 (full).\n"
      "# TYPE feedd_connections_shed_total counter\n";
  for (std::size_t i = 0; i < kShedReasonCount; ++i) {
    out += "feedd_connections_shed_total{reason=\"";
    out += shed_reason_name(static_cast<ShedReason>(i));
    out += "\"} " + std::to_string(shed_[i].load(std::memory_order_relaxed)) + "\n";
  }
}

void Metrics::render_topics(std::string& out, const feeds::Snapshot& snapshot) const {
  out +=
      "# HELP feedd_topics Topics (tags and categories, per language and for all) with a "
      "feed in the served snapshot.\n"
      "# TYPE feedd_topics gauge\n"
      "feedd_topics " +
      std::to_string(snapshot.topics().topics().size()) +
      "\n"
      "# HELP feedd_topic_feed_renders_total Topic feeds rendered (on a request that found "
      "no current bytes in the cache).\n"
      "# TYPE feedd_topic_feed_renders_total counter\n"
      "feedd_topic_feed_renders_total " +
      std::to_string(topic_renders_.load(std::memory_order_relaxed)) +
      "\n"
      "# HELP feedd_topic_cache_hits_total Topic feed requests answered from the cache.\n"
      "# TYPE feedd_topic_cache_hits_total counter\n"
      "feedd_topic_cache_hits_total " +
      std::to_string(topic_hits_.load(std::memory_order_relaxed)) +
      "\n"
      "# HELP feedd_topic_cache_bytes Bytes of topic feeds (all codings) in the cache.\n"
      "# TYPE feedd_topic_cache_bytes gauge\n"
      "feedd_topic_cache_bytes " +
      std::to_string(topic_cache_bytes_.load(std::memory_order_relaxed)) +
      "\n"
      "# HELP feedd_topic_cache_entries Topic feeds in the cache.\n"
      "# TYPE feedd_topic_cache_entries gauge\n"
      "feedd_topic_cache_entries " +
      std::to_string(topic_cache_entries_.load(std::memory_order_relaxed)) + "\n";
}

std::string Metrics::render(const feeds::Snapshot& snapshot, std::chrono::sys_seconds now) const {
  std::string out;
  out.reserve(2048);
  out +=
      "# HELP feedd_http_requests_total HTTP requests answered, by route and status.\n"
      "# TYPE feedd_http_requests_total counter\n";
  for (std::size_t r = 0; r < kRouteKindCount; ++r) {
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      const std::uint64_t value = requests_[r][s].load(std::memory_order_relaxed);
      if (value == 0) {
        continue;
      }
      out += "feedd_http_requests_total{route=\"";
      out += route_kind_name(static_cast<RouteKind>(r));
      out += "\",status=\"";
      out += kStatuses[s] == 0 ? std::string("other") : std::to_string(kStatuses[s]);
      out += "\"} " + std::to_string(value) + "\n";
    }
  }
  out +=
      "# HELP feedd_http_not_modified_total Responses 304 Not Modified.\n"
      "# TYPE feedd_http_not_modified_total counter\n"
      "feedd_http_not_modified_total " +
      std::to_string(not_modified_.load(std::memory_order_relaxed)) +
      "\n"
      "# HELP feedd_http_response_bytes_total Bytes of responses written (headers and "
      "bodies).\n"
      "# TYPE feedd_http_response_bytes_total counter\n"
      "feedd_http_response_bytes_total " +
      std::to_string(bytes_.load(std::memory_order_relaxed)) + "\n";
  render_connections(out);
  out +=
      "# HELP feedd_snapshot_generation Number of the snapshot being served (1 at start-up).\n"
      "# TYPE feedd_snapshot_generation gauge\n"
      "feedd_snapshot_generation " +
      std::to_string(snapshot.generation()) +
      "\n"
      "# HELP feedd_snapshot_age_seconds Seconds since the served snapshot was built.\n"
      "# TYPE feedd_snapshot_age_seconds gauge\n"
      "feedd_snapshot_age_seconds " +
      std::to_string((now - snapshot.built_at()).count()) +
      "\n"
      "# HELP feedd_posts Published posts in the index, by language.\n"
      "# TYPE feedd_posts gauge\n";
  for (const auto& [lang, count] : snapshot.posts_by_lang()) {
    out += "feedd_posts{lang=\"" + lang + "\"} " + std::to_string(count) + "\n";
  }
  render_topics(out, snapshot);
  out +=
      "# HELP feedd_index_writable 1 when the index can be written, 0 while scans cannot be "
      "saved (the last snapshot is served).\n"
      "# TYPE feedd_index_writable gauge\n"
      "feedd_index_writable " +
      std::string(index_health_.writable() ? "1" : "0") +
      "\n"
      "# HELP feedd_index_write_errors_total Scans that could not be written to the index.\n"
      "# TYPE feedd_index_write_errors_total counter\n"
      "feedd_index_write_errors_total " +
      std::to_string(index_health_.write_errors()) +
      "\n"
      "# HELP feedd_index_rebuilds_total Unusable indexes moved aside and rebuilt from the "
      "store.\n"
      "# TYPE feedd_index_rebuilds_total counter\n"
      "feedd_index_rebuilds_total " +
      std::to_string(index_health_.recoveries()) + "\n";
  return out;
}

}  // namespace feedd::daemon
