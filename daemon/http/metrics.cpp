#include "daemon/http/metrics.h"

#include "common/metric_text.h"
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
    case RouteKind::websub:
      return "websub";
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

namespace {

using common::append_metric_header;
using common::append_metric_sample;
using common::metric_label;

// A metric without labels: its HELP and TYPE lines and its one sample.
void append_metric(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help, const std::string& value) {
  append_metric_header(out, name, type, help);
  append_metric_sample(out, name, "", value);
}

// The same, for a metric kept in one of Metrics' atomics.
template <typename T>
void append_metric(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help, const std::atomic<T>& value) {
  append_metric(out, name, type, help, std::to_string(value.load(std::memory_order_relaxed)));
}

}  // namespace

void Metrics::render_connections(std::string& out) const {
  append_metric(out, "feedd_connections_open", "gauge", "Client connections open.",
                connections_open_);
  append_metric(out, "feedd_connections_max", "gauge",
                "The connection cap; at it, new connections shed others.", connection_limit_);
  append_metric(out, "feedd_connections_reading_head", "gauge",
                "Connections that sent part of a request head and wait for the rest.",
                reading_head_);
  append_metric_header(
      out, "feedd_connections_shed_total", "counter",
      "Connections given up at the connection cap: closed while waiting for a request "
      "(idle) or its head (slow_head), or new ones answered 503 (full).");
  for (std::size_t i = 0; i < kShedReasonCount; ++i) {
    append_metric_sample(out, "feedd_connections_shed_total",
                         metric_label("reason", shed_reason_name(static_cast<ShedReason>(i))),
                         shed_[i].load(std::memory_order_relaxed));
  }
}

void Metrics::render_topics(std::string& out, const feeds::Snapshot& snapshot) const {
  append_metric(out, "feedd_topics", "gauge",
                "Topics (tags and categories, per language and for all) with a feed in the "
                "served snapshot.",
                std::to_string(snapshot.topics().topics().size()));
  append_metric(out, "feedd_topic_feed_renders_total", "counter",
                "Topic feeds rendered (on a request that found no current bytes in the cache).",
                topic_renders_);
  append_metric(out, "feedd_topic_cache_hits_total", "counter",
                "Topic feed requests answered from the cache.", topic_hits_);
  append_metric(out, "feedd_topic_cache_bytes", "gauge",
                "Bytes of topic feeds (all codings) in the cache.", topic_cache_bytes_);
  append_metric(out, "feedd_topic_cache_entries", "gauge", "Topic feeds in the cache.",
                topic_cache_entries_);
  append_metric(out, "feedd_archive_pages", "gauge",
                "RFC 5005 archive pages (per language and for all) in the served snapshot.",
                std::to_string(snapshot.archives().page_count()));
  append_metric(out, "feedd_archive_page_renders_total", "counter",
                "Archive pages rendered (on a request that found no current bytes in the cache).",
                archive_renders_);
  append_metric(out, "feedd_poll_refused_total", "counter",
                "Unconditional feed refetches refused with 429 (server.min_poll_s).",
                poll_refused_);
}

void Metrics::render_deltas(std::string& out) const {
  append_metric(out, "feedd_delta_renders_total", "counter",
                "RFC 3229 delta bodies made (one per feed, old version, new version and coding).",
                delta_renders_);
  append_metric(out, "feedd_delta_cache_hits_total", "counter",
                "226 responses answered from the delta cache.", delta_hits_);
  append_metric(out, "feedd_delta_cache_bytes", "gauge", "Bytes of delta bodies in the cache.",
                delta_cache_bytes_);
  append_metric(out, "feedd_delta_cache_entries", "gauge", "Delta bodies in the cache.",
                delta_cache_entries_);
}

std::string Metrics::render(const feeds::Snapshot& snapshot, std::chrono::sys_seconds now) const {
  std::string out;
  out.reserve(2048);
  append_metric_header(out, "feedd_http_requests_total", "counter",
                       "HTTP requests answered, by route and status.");
  for (std::size_t r = 0; r < kRouteKindCount; ++r) {
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      const std::uint64_t value = requests_[r][s].load(std::memory_order_relaxed);
      if (value == 0) {
        continue;
      }
      const std::string status = kStatuses[s] == 0 ? "other" : std::to_string(kStatuses[s]);
      append_metric_sample(out, "feedd_http_requests_total",
                           metric_label("route", route_kind_name(static_cast<RouteKind>(r))) + "," +
                               metric_label("status", status),
                           value);
    }
  }
  append_metric(out, "feedd_http_not_modified_total", "counter", "Responses 304 Not Modified.",
                not_modified_);
  append_metric(out, "feedd_http_response_bytes_total", "counter",
                "Bytes of responses written (headers and bodies).", bytes_);
  render_connections(out);
  append_metric_header(out, "feedd_cache_purges_total", "counter",
                       "PURGE requests sent to [cache] purge caches, by result (ok: 2xx).");
  append_metric_sample(out, "feedd_cache_purges_total", metric_label("result", "ok"),
                       purges_ok_.load(std::memory_order_relaxed));
  append_metric_sample(out, "feedd_cache_purges_total", metric_label("result", "failed"),
                       purges_failed_.load(std::memory_order_relaxed));
  append_metric(out, "feedd_snapshot_generation", "gauge",
                "Number of the snapshot being served (1 at start-up).",
                std::to_string(snapshot.generation()));
  append_metric(out, "feedd_snapshot_age_seconds", "gauge",
                "Seconds since the served snapshot was built.",
                std::to_string((now - snapshot.built_at()).count()));
  append_metric_header(out, "feedd_posts", "gauge", "Published posts in the index, by language.");
  for (const auto& [lang, count] : snapshot.posts_by_lang()) {
    append_metric_sample(out, "feedd_posts", metric_label("lang", lang), count);
  }
  render_topics(out, snapshot);
  render_deltas(out);
  append_metric(out, "feedd_index_writable", "gauge",
                "1 when the index can be written, 0 while scans cannot be saved (the last "
                "snapshot is served).",
                index_health_.writable() ? "1" : "0");
  append_metric(out, "feedd_index_write_errors_total", "counter",
                "Scans that could not be written to the index.",
                std::to_string(index_health_.write_errors()));
  append_metric(out, "feedd_index_rebuilds_total", "counter",
                "Unusable indexes moved aside and rebuilt from the store.",
                std::to_string(index_health_.recoveries()));
  for (const auto& section : sections_) {
    section(out);
  }
  return out;
}

}  // namespace feedd::daemon
