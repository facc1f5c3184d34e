// The snapshot: per-coding strong ETags, stable across rebuilds, decompressible copies,
// reuse of unchanged resources, and the HTTP date formats it relies on.
#include "feeds/snapshot.h"

#include <brotli/decode.h>
#include <unistd.h>
#include <zlib.h>

#include <boost/test/unit_test.hpp>

#include "feeds/http_date.h"

namespace feedd::feeds {
BOOST_AUTO_TEST_SUITE(snapshot_test)

namespace {

using namespace std::chrono;

const sys_seconds kBuilt = sys_days{2025y / 3 / 1};

std::string big_body(std::string_view word) {
  std::string body;
  for (int i = 0; i < 300; ++i) {
    body += "<item><title>" + std::string(word) + " " + std::to_string(i) + "</title></item>\n";
  }
  return body;
}

std::shared_ptr<const Snapshot> build(std::string body, const Snapshot* previous = nullptr,
                                      std::uint64_t generation = 1, sys_seconds built = kBuilt) {
  std::vector<ResourceSource> sources;
  sources.push_back(
      {"/rss.xml", "application/rss+xml", std::move(body), sys_days{2025y / 1 / 2}, true});
  return Snapshot::build(std::move(sources), built, generation, previous, {});
}

std::string gunzip(std::string_view bytes) {
  z_stream stream{};
  BOOST_REQUIRE(inflateInit2(&stream, 31) == Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  BOOST_REQUIRE(inflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

std::string unbrotli(std::string_view bytes) {
  std::string out(1 << 20, '\0');
  std::size_t size = out.size();
  BOOST_REQUIRE(BrotliDecoderDecompress(
                    bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()), &size,
                    reinterpret_cast<uint8_t*>(out.data())) == BROTLI_DECODER_RESULT_SUCCESS);
  out.resize(size);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(etags_are_strong_quoted_and_distinct_per_coding) {
  auto snapshot = build(big_body("a"));
  const Resource* r = snapshot->find("/rss.xml");
  BOOST_REQUIRE(r != nullptr);
  BOOST_REQUIRE(r->get(Coding::gzip) != nullptr);
  BOOST_REQUIRE(r->get(Coding::br) != nullptr);
  const std::string identity = r->get(Coding::identity)->etag;
  const std::string gzip = r->get(Coding::gzip)->etag;
  const std::string br = r->get(Coding::br)->etag;
  BOOST_TEST(identity.front() == '"');
  BOOST_TEST(identity.back() == '"');
  BOOST_TEST(!identity.starts_with("W/"));
  BOOST_TEST(identity != gzip);
  BOOST_TEST(identity != br);
  BOOST_TEST(gzip != br);
  BOOST_TEST(identity == make_etag(big_body("a"), Coding::identity));
}

BOOST_AUTO_TEST_CASE(etags_follow_the_bytes_across_rebuilds) {
  auto first = build(big_body("a"));
  auto same = build(big_body("a"), nullptr, 7, kBuilt + hours(5));  // e.g. after a restart
  auto other = build(big_body("b"));
  const auto etag = [](const auto& s, Coding c) { return s->find("/rss.xml")->get(c)->etag; };
  for (Coding c : {Coding::identity, Coding::gzip, Coding::br}) {
    BOOST_TEST(etag(first, c) == etag(same, c));
    BOOST_TEST(etag(first, c) != etag(other, c));
  }
  BOOST_TEST(first->find("/rss.xml")->last_modified_text ==
             same->find("/rss.xml")->last_modified_text);
}

BOOST_AUTO_TEST_CASE(compressed_copies_decompress_to_the_identity_bytes) {
  auto snapshot = build(big_body("a"));
  const Resource* r = snapshot->find("/rss.xml");
  const std::string& identity = r->get(Coding::identity)->body;
  BOOST_TEST(identity == big_body("a"));
  BOOST_TEST(gunzip(r->get(Coding::gzip)->body) == identity);
  BOOST_TEST(unbrotli(r->get(Coding::br)->body) == identity);
  BOOST_TEST(r->get(Coding::gzip)->body.size() < identity.size());
  BOOST_TEST(r->get(Coding::br)->body.size() < identity.size());
}

BOOST_AUTO_TEST_CASE(unchanged_resources_are_reused_from_the_previous_snapshot) {
  auto first = build(big_body("a"));
  auto second = build(big_body("a"), first.get(), 2, kBuilt + hours(1));
  BOOST_TEST(second->reused() == 1u);
  BOOST_TEST(second->generation() == 2u);
  BOOST_TEST(first->find("/rss.xml") == second->find("/rss.xml"));  // same object
  auto third = build(big_body("c"), second.get(), 3);
  BOOST_TEST(third->reused() == 0u);
}

// The same bytes with an older newest date (an edit first dated when it was seen, then by
// its commit): the bodies and ETags are kept, Last-Modified is what a snapshot built afresh
// gives, so that a replica started later serves the same fields.
BOOST_AUTO_TEST_CASE(unchanged_bytes_take_this_builds_last_modified) {
  auto source = [](sys_seconds last_modified) {
    std::vector<ResourceSource> sources;
    sources.push_back({"/ja/", "text/html", big_body("a"), last_modified, true});
    return sources;
  };
  auto first = Snapshot::build(source(kBuilt + hours(2)), kBuilt + hours(1), 1, nullptr, {});
  BOOST_TEST(first->find("/ja/")->last_modified_text == "Sat, 01 Mar 2025 01:00:00 GMT");
  auto second = Snapshot::build(source(kBuilt - hours(5)), kBuilt + hours(3), 2, first.get(), {});
  auto afresh = Snapshot::build(source(kBuilt - hours(5)), kBuilt + hours(3), 2, nullptr, {});
  const Resource* kept = second->find("/ja/");
  BOOST_TEST(second->reused() == 1u);
  BOOST_TEST(kept->get(Coding::gzip) == first->find("/ja/")->get(Coding::gzip));  // not redone
  BOOST_TEST((kept->last_modified == afresh->find("/ja/")->last_modified));
  BOOST_TEST(kept->last_modified_text == afresh->find("/ja/")->last_modified_text);
  BOOST_TEST(kept->last_modified_text == "Fri, 28 Feb 2025 19:00:00 GMT");
}

BOOST_AUTO_TEST_CASE(last_modified_is_clamped_to_the_build_time) {
  std::vector<ResourceSource> sources;
  sources.push_back({"/x", "text/plain", "x", sys_seconds::max(), false});
  auto snapshot = Snapshot::build(std::move(sources), kBuilt, 1, nullptr, {});
  BOOST_TEST((snapshot->find("/x")->last_modified == kBuilt));
  BOOST_TEST(snapshot->find("/x")->last_modified_text == "Sat, 01 Mar 2025 00:00:00 GMT");
  BOOST_TEST(snapshot->find("/x")->get(Coding::gzip) == nullptr);
}

BOOST_AUTO_TEST_CASE(big_bodies_get_a_memory_file_with_the_same_bytes) {
  std::string body;
  for (int i = 0; i < 4; ++i) {
    body += big_body("m" + std::to_string(i));
  }
  BOOST_REQUIRE(body.size() >= kSendfileMin);
  auto snapshot = build(body);
  const Representation& identity = *snapshot->find("/rss.xml")->get(Coding::identity);
  BOOST_REQUIRE(identity.file.fd() >= 0);
  std::string copy(body.size() + 10, '\0');
  const ssize_t n = pread(identity.file.fd(), copy.data(), copy.size(), 0);
  BOOST_TEST(n == static_cast<ssize_t>(body.size()));
  copy.resize(body.size());
  BOOST_TEST(copy == body);
  BOOST_TEST(pwrite(identity.file.fd(), "x", 1, 0) < 0);  // sealed
  // Small compressed copies are written from memory.
  BOOST_TEST(snapshot->find("/rss.xml")->get(Coding::gzip)->file.fd() == -1);
}

BOOST_AUTO_TEST_CASE(http_dates_round_trip_in_all_three_formats) {
  const sys_seconds kToday = sys_days{2026y / 11 / 29};
  const sys_seconds t = sys_days{1994y / 11 / 6} + hours(8) + minutes(49) + seconds(37);
  BOOST_TEST(format_http_date(t) == "Sun, 06 Nov 1994 08:49:37 GMT");
  BOOST_TEST((parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", kToday) == t));
  BOOST_TEST((parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", kToday) == t));
  BOOST_TEST((parse_http_date("Sun Nov  6 08:49:37 1994", kToday) == t));
  BOOST_TEST(!parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT", kToday));  // wrong weekday
  BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC", kToday));
  BOOST_TEST(!parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT", kToday));
  BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 24:49:37 GMT", kToday));
  BOOST_TEST(!parse_http_date("", kToday));
  // RFC 850's two-digit year: the nearest year not more than 50 years after `now`.
  BOOST_TEST((parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", sys_days{2040y / 1 / 1}) == t));
  // From 2050 on, "94" is 2094, when 6 November is a Saturday.
  BOOST_TEST(!parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", sys_days{2050y / 1 / 1}));
  BOOST_TEST((parse_http_date("Saturday, 06-Nov-94 08:49:37 GMT", sys_days{2050y / 1 / 1}) ==
              t + (sys_days{2094y / 11 / 6} - sys_days{1994y / 11 / 6})));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::feeds
