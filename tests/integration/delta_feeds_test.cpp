// RFC 3229 delta feeds (SPEC "Beyond the usual feed") from a real `feedd serve` over loopback
// HTTP: `A-IM: feed` with an earlier version's ETag gets 226 IM Used with only what changed
// since (new and edited entries; deletions as tombstones in Atom), for Atom and RSS, per
// content coding, with IM, Cache-Control and the current ETag; the current ETag is still 304;
// unknown, forgotten or other-coding ETags, no A-IM and JSON Feed get the full 200; one delta
// is made once however many readers ask; topic feeds get deltas too; every 226 body passes
// xmllint, the RELAX NG schema and feedparser; and newsboat (which sends A-IM: feed) keeps its
// old items and gets the new one across a delta.
#include <boost/test/unit_test.hpp>
#include <regex>

#include "tests/support/feed_validation.h"
#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(delta_feeds_test)

namespace {

struct Reply {
  int status = 0;
  std::string head;  // the header section
  std::string body;  // decoded when asked (curl --compressed)
  std::string header(const std::string& name) const {
    std::smatch match;
    const std::regex field("\r\n" + name + ": ([^\r]*)", std::regex::icase);
    return std::regex_search(head, match, field) ? match[1].str() : "";
  }
};

std::string post(const std::string& title, const std::string& date, const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndate: " + date + "\nlang: en\n" + extra + "---\nText of " +
         title + ".\n";
}

// The value of an unlabelled metric, or of one labelled sample (-1 when absent).
struct DeltaFixture {
  TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::unique_ptr<FeeddProcess> feedd;
  int port = 0;
  int validated = 0;

  void start(const std::string& feeds = "delta_versions = 3\n") {
    auto config =
        write_config(dir.path(), store, dir / "index.sqlite",
                     "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\n[feeds]\n" + feeds);
    feedd = std::make_unique<FeeddProcess>(config, dir / "serve.log");
    port = feedd->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  }
  // GET (or `method`) with `headers`; `decode`: let curl undo the content coding.
  Reply get(const std::string& path, const std::vector<std::string>& headers = {},
            bool decode = false, const std::string& method = "GET") {
    const auto body_file = dir / "body";
    std::vector<std::string> argv{"curl", "-s", "-D", "-", "-o", body_file.string()};
    if (method == "HEAD") {
      argv.push_back("-I");
    }
    if (decode) {
      argv.push_back("--compressed");
    }
    for (const auto& header : headers) {
      argv.insert(argv.end(), {"-H", header});
    }
    argv.push_back("http://127.0.0.1:" + std::to_string(port) + path);
    std::filesystem::remove(body_file);
    const auto result = run_command(argv);
    Reply reply;
    reply.head = "\r\n" + result.output.substr(0, result.output.find("\r\n\r\n"));
    reply.status = result.output.size() > 12 ? std::atoi(result.output.c_str() + 9) : 0;
    // curl -I writes the header section where a body would go: a HEAD answer has none.
    reply.body = method != "HEAD" && std::filesystem::exists(body_file) ? read_file(body_file) : "";
    return reply;
  }
  std::string etag(const std::string& path, const std::string& coding = "identity") {
    return get(path, {"Accept-Encoding: " + coding}).header("ETag");
  }
  // Waits until `path`'s identity ETag is no longer `old`; returns the new one.
  std::string next_etag(const std::string& path, const std::string& old) {
    std::string now;
    FEEDD_REQUIRE_AFTER(eventually([&] { return (now = etag(path)) != old; }), feedd->log());
    return now;
  }
  long long metric_now(const std::string& sample) {
    return metric_sample(get("/metrics").body, sample);
  }
  // xmllint, the schema (Atom) and feedparser accept `body`; returns check_feeds.py's line.
  std::string validate(const std::string& body, const std::string& name) {
    const std::string file = "check" + std::to_string(++validated) + "/" + name;
    write_file(dir / file, body);
    return validate_feeds(dir.path(), {file});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(deltas_follow_every_rule, DeltaFixture) {
  write_file(store / "a.md", post("Alpha", "2025-01-01", "tags: [t]\n"));
  write_file(store / "b.md", post("Beta", "2025-01-02"));
  write_file(store / "j.md", "---\ntitle: 日本語\ndate: 2025-01-02\nlang: ja\n---\n本文。\n");
  start();
  const std::string atom = "/en/atom.xml", rss = "/en/rss.xml", topic = "/en/tags/t/atom.xml";
  const std::string v1 = etag(atom), v1_gz = etag(atom, "gzip"), v1_br = etag(atom, "br");
  const std::string v1_rss = etag(rss), v1_json = etag("/en/feed.json"), t1 = etag(topic);
  BOOST_TEST_REQUIRE((v1_gz.ends_with("-gz\"") && v1_br.ends_with("-br\"")));

  write_file(store / "c.md", post("Gamma", "2025-01-03", "tags: [t]\n"));
  const std::string v2 = next_etag(atom, v1);
  const std::vector<std::string> feed_im = {"A-IM: feed", "If-None-Match: " + v1};
  BOOST_TEST(get(atom, {"A-IM: feed", "If-None-Match: " + v2}).status == 304);

  const Reply delta = get(atom, feed_im);
  BOOST_TEST_REQUIRE(delta.status == 226, delta.head << delta.body);
  BOOST_TEST(delta.header("IM") == "feed");
  BOOST_TEST(delta.header("Cache-Control") == "no-store, im");
  BOOST_TEST(delta.header("ETag") == v2);
  BOOST_TEST(delta.header("Content-Type") == "application/atom+xml; charset=utf-8");
  BOOST_TEST(count_occurrences(delta.body, "<entry") == 1u);
  BOOST_TEST(delta.body.find("Gamma") != std::string::npos);
  const Reply full = get(atom);
  BOOST_TEST(delta.body.substr(0, delta.body.find("<entry")) ==
             full.body.substr(0, full.body.find("<entry")));
  BOOST_TEST(validate(delta.body, "atom.xml").find(" 1 en") != std::string::npos);
  // The full 200: no A-IM, an unknown ETag, or another coding's ETag.
  BOOST_TEST(get(atom, {"If-None-Match: " + v1}).body == full.body);
  const Reply unknown = get(atom, {"A-IM: feed", "If-None-Match: \"nothing\""});
  BOOST_TEST((unknown.status == 200 && unknown.body == full.body));
  BOOST_TEST(get(atom, {"A-IM: feed", "If-None-Match: " + v1, "Accept-Encoding: gzip"}).status ==
             200);
  BOOST_TEST(get("/en/feed.json", {"A-IM: feed", "If-None-Match: " + v1_json}).status == 200);
  // Per coding: the current ETag of that coding, the same document once decoded.
  for (const auto& [coding, old] : {std::pair{"gzip", v1_gz}, std::pair{"br", v1_br}}) {
    const Reply coded = get(
        atom, {"A-IM: feed", "If-None-Match: " + old, std::string("Accept-Encoding: ") + coding},
        true);
    BOOST_TEST(coded.status == 226, coding);
    BOOST_TEST(coded.header("Content-Encoding") == coding);
    BOOST_TEST(coded.header("ETag") == etag(atom, coding));
    BOOST_TEST(coded.body == delta.body, coding);
  }
  const Reply rss_delta = get(rss, {"A-IM: feed", "If-None-Match: " + v1_rss});
  BOOST_TEST(rss_delta.status == 226);
  BOOST_TEST(count_occurrences(rss_delta.body, "<item>") == 1u);
  BOOST_TEST(validate(rss_delta.body, "rss.xml").find(" 1 en") != std::string::npos);
  const Reply head = get(atom, feed_im, false, "HEAD");
  BOOST_TEST((head.status == 226 && head.header("IM") == "feed"), head.head);
  BOOST_TEST(head.header("Content-Length") == std::to_string(delta.body.size()));
  // Topic feeds go the same way.
  const Reply topic_delta = get(topic, {"A-IM: feed", "If-None-Match: " + t1});
  BOOST_TEST(topic_delta.status == 226, topic_delta.head);
  BOOST_TEST((count_occurrences(topic_delta.body, "<entry") == 1u &&
              topic_delta.body.find("Gamma") != std::string::npos));

  // Made once per (feed, old, new, coding): atom x3 codings, rss, topic (HEAD reused atom's).
  BOOST_TEST(metric_now("feedd_delta_renders_total") == 5);
  for (int i = 0; i < 20; ++i) {
    BOOST_TEST(get(atom, feed_im).body == delta.body);
  }
  BOOST_TEST(metric_now("feedd_delta_renders_total") == 5);
  BOOST_TEST(metric_now("feedd_delta_cache_hits_total") >= 21);
  BOOST_TEST(metric_now("feedd_http_requests_total{route=\"feed\",status=\"226\"}") == 26);

  // An edit: against v1 the new and the edited entry; against v2 only the edited one.
  write_file(store / "b.md", post("Beta, edited", "2025-01-02"));
  const std::string v3 = next_etag(atom, v2);
  const Reply since_v1 = get(atom, feed_im);
  BOOST_TEST(count_occurrences(since_v1.body, "<entry") == 2u);
  BOOST_TEST((since_v1.body.find("Gamma") != std::string::npos &&
              since_v1.body.find("Beta, edited") != std::string::npos));
  const Reply since_v2 = get(atom, {"A-IM: feed", "If-None-Match: " + v2});
  BOOST_TEST(count_occurrences(since_v2.body, "<entry") == 1u);
  BOOST_TEST(since_v2.body.find("Beta, edited") != std::string::npos);
  // A deletion: a tombstone and no entry; Alpha's id as the feed had it.
  std::smatch id;
  BOOST_REQUIRE(std::regex_search(full.body, id, std::regex("<id>(tag:[^<]*:a)</id>")));
  const std::string v3_rss = etag(rss);
  std::filesystem::remove(store / "a.md");
  const std::string v4 = next_etag(atom, v3);
  const Reply deleted = get(atom, {"A-IM: feed", "If-None-Match: " + v3});
  BOOST_TEST(deleted.status == 226);
  BOOST_TEST(count_occurrences(deleted.body, "<entry") == 0u);
  BOOST_TEST(
      deleted.body.find("<at:deleted-entry ref=\"" + id[1].str() + "\"") != std::string::npos,
      deleted.body);
  BOOST_TEST(validate(deleted.body, "atom.xml").find(" 0 en") != std::string::npos);
  const Reply rss_deleted = get(rss, {"A-IM: feed", "If-None-Match: " + v3_rss});
  BOOST_TEST((rss_deleted.status == 226 && count_occurrences(rss_deleted.body, "<item>") == 0u),
             "RSS has no tombstones: nothing new");
  // Three versions remembered (v2, v3, v4): v1 is forgotten, a full 200.
  const Reply forgotten = get(atom, feed_im);
  BOOST_TEST((forgotten.status == 200 && forgotten.header("ETag") == v4));
  BOOST_TEST(get(atom, {"A-IM: feed", "If-None-Match: " + v2}).status == 226);
}

BOOST_FIXTURE_TEST_CASE(no_deltas_when_turned_off, DeltaFixture) {
  write_file(store / "a.md", post("Alpha", "2025-01-01"));
  start("delta_versions = 0\n");
  const std::string v1 = etag("/en/atom.xml");
  write_file(store / "b.md", post("Beta", "2025-01-02"));
  next_etag("/en/atom.xml", v1);
  BOOST_TEST(get("/en/atom.xml", {"A-IM: feed", "If-None-Match: " + v1}).status == 200);
}

BOOST_FIXTURE_TEST_CASE(newsboat_keeps_its_items_across_a_delta, DeltaFixture) {
  write_file(store / "a.md", post("Alpha", "2025-01-01"));
  write_file(store / "b.md", post("Beta", "2025-01-02"));
  start();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/en/atom.xml";
  write_file(dir / "urls", url + "\n");
  std::filesystem::create_directories(dir / "home");
  const auto reload = [&] {
    return run_command({"env", "HOME=" + (dir / "home").string(), "newsboat", "-u",
                        (dir / "urls").string(), "-c", (dir / "cache.db").string(), "-x",
                        "reload"});
  };
  const auto titles = [&] {
    return run_command({"/usr/bin/python3", "-c",
                        "import sqlite3, sys\n"
                        "db = sqlite3.connect(sys.argv[1])\n"
                        "print(','.join(sorted(r[0] for r in db.execute("
                        "'SELECT title FROM rss_item'))))",
                        (dir / "cache.db").string()});
  };
  // newsboat 2.21 keeps no ETag from a feed's first fetch: it sends one from the third on.
  for (int i = 0; i < 2; ++i) {
    const auto first = reload();
    BOOST_TEST_REQUIRE(first.exit_status == 0, first.output);
  }
  BOOST_TEST(titles().output == "Alpha,Beta\n");
  const std::string v1 = etag("/en/atom.xml");
  write_file(store / "c.md", post("Gamma", "2025-01-03"));
  next_etag("/en/atom.xml", v1);
  const auto second = reload();
  BOOST_TEST_REQUIRE(second.exit_status == 0, second.output);
  const std::string metrics = get("/metrics").body;
  BOOST_TEST(
      metric_sample(metrics, "feedd_http_requests_total{route=\"feed\",status=\"226\"}") == 1,
      "newsboat asked for and got a delta\n"
          << metrics);
  BOOST_TEST(titles().output == "Alpha,Beta,Gamma\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
