// The /metrics exposition (Prometheus text format 0.0.4): each family's HELP, TYPE and samples,
// byte for byte, with every counter given a value of its own so a sample that reads the wrong
// counter shows. Families are checked as blocks (not the whole page), so that a new family
// elsewhere does not break this test.
#include "daemon/http/metrics.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "feeds/snapshot.h"

namespace feedd::daemon {
namespace {

using namespace std::chrono;

const sys_seconds kBuiltAt = sys_days{2025y / 3 / 1};

// `count` calls of `step`.
template <typename Step>
void repeat(int count, Step step) {
  for (int i = 0; i < count; ++i) {
    step();
  }
}

struct MetricsFixture {
  MetricsFixture() {
    metrics.record(RouteKind::feed, 200, 1000);
    metrics.record(RouteKind::feed, 304, 24);
    metrics.record(RouteKind::other, 418, 7);
    metrics.set_connection_limit(512);
    repeat(3, [&] { metrics.connection_opened(); });
    metrics.head_started();
    metrics.record_shed(ShedReason::idle);
    repeat(2, [&] { metrics.record_shed(ShedReason::full); });
    repeat(4, [&] { metrics.record_purge(true); });
    repeat(5, [&] { metrics.record_purge(false); });
    repeat(6, [&] { metrics.record_topic_render(); });
    repeat(7, [&] { metrics.record_topic_hit(); });
    metrics.set_topic_cache(8000, 8);
    repeat(9, [&] { metrics.record_archive_render(); });
    repeat(10, [&] { metrics.record_poll_refused(); });
    repeat(11, [&] { metrics.record_delta_render(); });
    repeat(12, [&] { metrics.record_delta_hit(); });
    metrics.set_delta_cache(13000, 13);
    snapshot = feeds::Snapshot::build({}, kBuiltAt, 3, nullptr, {}, {{"en", 14}, {"ja", 15}});
    page = metrics.render(*snapshot, kBuiltAt + seconds(42));
  }

  bool has(std::string_view block) const {
    const bool found = page.find(block) != std::string::npos;
    if (!found) {
      BOOST_TEST_MESSAGE("not in /metrics:\n" << block << "\n/metrics:\n" << page);
    }
    return found;
  }

  Metrics metrics;
  std::shared_ptr<const feeds::Snapshot> snapshot;
  std::string page;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(metrics_test, MetricsFixture)

BOOST_AUTO_TEST_CASE(requests_and_bytes) {
  BOOST_TEST(page.starts_with(
      "# HELP feedd_http_requests_total HTTP requests answered, by route and status.\n"
      "# TYPE feedd_http_requests_total counter\n"
      "feedd_http_requests_total{route=\"feed\",status=\"200\"} 1\n"
      "feedd_http_requests_total{route=\"feed\",status=\"304\"} 1\n"
      "feedd_http_requests_total{route=\"other\",status=\"other\"} 1\n"
      "# HELP feedd_http_not_modified_total Responses 304 Not Modified.\n"
      "# TYPE feedd_http_not_modified_total counter\n"
      "feedd_http_not_modified_total 1\n"
      "# HELP feedd_http_response_bytes_total Bytes of responses written (headers and bodies).\n"
      "# TYPE feedd_http_response_bytes_total counter\n"
      "feedd_http_response_bytes_total 1031\n"));
}

BOOST_AUTO_TEST_CASE(connections) {
  BOOST_TEST(
      has("# HELP feedd_connections_open Client connections open.\n"
          "# TYPE feedd_connections_open gauge\n"
          "feedd_connections_open 3\n"
          "# HELP feedd_connections_max The connection cap; at it, new connections shed "
          "others.\n"
          "# TYPE feedd_connections_max gauge\n"
          "feedd_connections_max 512\n"
          "# HELP feedd_connections_reading_head Connections that sent part of a request "
          "head and wait for the rest.\n"
          "# TYPE feedd_connections_reading_head gauge\n"
          "feedd_connections_reading_head 1\n"
          "# HELP feedd_connections_shed_total Connections given up at the connection cap: "
          "closed while waiting for a request (idle) or its head (slow_head), or new ones "
          "answered 503 (full).\n"
          "# TYPE feedd_connections_shed_total counter\n"
          "feedd_connections_shed_total{reason=\"idle\"} 1\n"
          "feedd_connections_shed_total{reason=\"slow_head\"} 0\n"
          "feedd_connections_shed_total{reason=\"full\"} 2\n"));
}

BOOST_AUTO_TEST_CASE(purges_and_snapshot) {
  BOOST_TEST(
      has("# HELP feedd_cache_purges_total PURGE requests sent to [cache] purge caches, by "
          "result (ok: 2xx).\n"
          "# TYPE feedd_cache_purges_total counter\n"
          "feedd_cache_purges_total{result=\"ok\"} 4\n"
          "feedd_cache_purges_total{result=\"failed\"} 5\n"
          "# HELP feedd_snapshot_generation Number of the snapshot being served (1 at "
          "start-up).\n"
          "# TYPE feedd_snapshot_generation gauge\n"
          "feedd_snapshot_generation 3\n"
          "# HELP feedd_snapshot_age_seconds Seconds since the served snapshot was built.\n"
          "# TYPE feedd_snapshot_age_seconds gauge\n"
          "feedd_snapshot_age_seconds 42\n"
          "# HELP feedd_posts Published posts in the index, by language.\n"
          "# TYPE feedd_posts gauge\n"
          "feedd_posts{lang=\"en\"} 14\n"
          "feedd_posts{lang=\"ja\"} 15\n"
          "# HELP feedd_topics "));
}

BOOST_AUTO_TEST_CASE(topics_archives_and_polling) {
  BOOST_TEST(
      has("# TYPE feedd_topics gauge\n"
          "feedd_topics 0\n"
          "# HELP feedd_topic_feed_renders_total Topic feeds rendered (on a request that "
          "found no current bytes in the cache).\n"
          "# TYPE feedd_topic_feed_renders_total counter\n"
          "feedd_topic_feed_renders_total 6\n"
          "# HELP feedd_topic_cache_hits_total Topic feed requests answered from the "
          "cache.\n"
          "# TYPE feedd_topic_cache_hits_total counter\n"
          "feedd_topic_cache_hits_total 7\n"
          "# HELP feedd_topic_cache_bytes Bytes of topic feeds (all codings) in the cache.\n"
          "# TYPE feedd_topic_cache_bytes gauge\n"
          "feedd_topic_cache_bytes 8000\n"
          "# HELP feedd_topic_cache_entries Topic feeds in the cache.\n"
          "# TYPE feedd_topic_cache_entries gauge\n"
          "feedd_topic_cache_entries 8\n"
          "# HELP feedd_archive_pages RFC 5005 archive pages (per language and for all) in "
          "the served snapshot.\n"
          "# TYPE feedd_archive_pages gauge\n"
          "feedd_archive_pages 0\n"
          "# HELP feedd_archive_page_renders_total Archive pages rendered (on a request "
          "that found no current bytes in the cache).\n"
          "# TYPE feedd_archive_page_renders_total counter\n"
          "feedd_archive_page_renders_total 9\n"
          "# HELP feedd_poll_refused_total Unconditional feed refetches refused with 429 "
          "(server.min_poll_s).\n"
          "# TYPE feedd_poll_refused_total counter\n"
          "feedd_poll_refused_total 10\n"));
}

BOOST_AUTO_TEST_CASE(deltas_and_index) {
  BOOST_TEST(
      has("# HELP feedd_delta_renders_total RFC 3229 delta bodies made (one per feed, old "
          "version, new version and coding).\n"
          "# TYPE feedd_delta_renders_total counter\n"
          "feedd_delta_renders_total 11\n"
          "# HELP feedd_delta_cache_hits_total 226 responses answered from the delta "
          "cache.\n"
          "# TYPE feedd_delta_cache_hits_total counter\n"
          "feedd_delta_cache_hits_total 12\n"
          "# HELP feedd_delta_cache_bytes Bytes of delta bodies in the cache.\n"
          "# TYPE feedd_delta_cache_bytes gauge\n"
          "feedd_delta_cache_bytes 13000\n"
          "# HELP feedd_delta_cache_entries Delta bodies in the cache.\n"
          "# TYPE feedd_delta_cache_entries gauge\n"
          "feedd_delta_cache_entries 13\n"
          "# HELP feedd_index_writable "));
  BOOST_TEST(
      has("# TYPE feedd_index_writable gauge\n"
          "feedd_index_writable 1\n"));
  BOOST_TEST(
      has("# TYPE feedd_index_rebuilds_total counter\n"
          "feedd_index_rebuilds_total 0\n"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
