// Topic feeds (SPEC "Topic feeds and OPML") from a real `feedd serve` over loopback HTTP: a
// Japanese tag end to end (percent-encoded paths, links in pages, feeds and OPML), an English
// tag with spaces and capitals merged with its other spellings, a tag only one language uses,
// categories from a Movable Type export, 404s, validators, conditional GET, an edit that
// changes only its own topics, a store of 5,000 tags that regenerates without rendering
// them, concurrent cold requests sharing one render, OPML imported by newsboat, and
// `feedd build --out` writing the same bytes as `serve` gives.
#include <boost/test/unit_test.hpp>
#include <regex>
#include <thread>

#include "tests/support/feed_validation.h"
#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(topic_feeds_test)

namespace {

using namespace std::chrono_literals;

constexpr const char* kTeaJa = "/ja/tags/%E8%8C%B6%E9%81%93/";  // 茶道
constexpr const char* kNoticeJa =
    "/ja/categories/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/";  // お知らせ

std::string post(const std::string& title, const std::string& lang, const std::string& date,
                 const std::string& tags, const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndate: " + date + "\nlang: " + lang + "\ntags: " + tags + "\n" +
         extra + "---\nText of " + title + ".\n";
}

constexpr const char* kExport = R"(AUTHOR: Site Author
TITLE: 引っ越しのお知らせ
BASENAME: moving
STATUS: Publish
PRIMARY CATEGORY: お知らせ
CATEGORY: 旅行
DATE: 11/02/2024 09:15:00 PM
-----
BODY:
ブログを引っ越しました。これからもよろしくお願いします。
-----
--------
AUTHOR: Site Author
TITLE: [Eng] Moving the Blog
BASENAME: moving-en
STATUS: Publish
PRIMARY CATEGORY: News
CATEGORY: News
DATE: 11/02/2024 09:20:00 PM
-----
BODY:
<p>I have moved the posts over from the old blog service.</p>
-----
--------
)";

// The value of an unlabelled metric in a /metrics body (-1 when absent).
struct TopicFixture {
  TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::unique_ptr<FeeddProcess> feedd;
  int port = 0;

  void write_sample() {
    write_file(store / "tea1.md", post("茶道の記事", "ja", "2025-01-02", "[茶道, 体験]"));
    write_file(store / "tea2.md", post("茶道ふたたび", "ja", "2025-01-01", "[茶道]"));
    write_file(store / "en1.md", post("Tea at noon", "en", "2025-01-03",
                                      "[\"Tea Time\", \"Only English\"]", "categories: [Diary]\n"));
    write_file(store / "en2.md", post("More tea", "en", "2025-01-04", "[\"tea  time\"]"));
    write_file(store / "export/blog.mt.txt", kExport);
  }

  void start(const std::string& extra = "") {
    auto config = write_config(dir.path(), store, dir / "index.sqlite",
                               "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\n" + extra);
    feedd = std::make_unique<FeeddProcess>(config, dir / "serve.log");
    port = feedd->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  }

  Fetched get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return fetch(port, path, headers);
  }
  long long metric_now(const std::string& name) {
    return metric_sample(get("/metrics").body, name);
  }
};

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(japanese_tag_end_to_end, TopicFixture) {
  write_sample();
  start();
  const auto atom = get(std::string(kTeaJa) + "atom.xml");
  BOOST_TEST_REQUIRE(atom.status == 200, atom.body);
  BOOST_TEST(contains(atom.body, "<title>テストブログ: 茶道</title>"), atom.body);
  BOOST_TEST(contains(atom.body, "茶道の記事"));
  BOOST_TEST(contains(atom.body, "茶道ふたたび"));
  BOOST_TEST(!contains(atom.body, "Tea at noon"));
  BOOST_TEST(contains(atom.body,
                      "rel=\"self\" type=\"application/atom+xml\" "
                      "href=\"https://blog.example.org/ja/tags/%E8%8C%B6%E9%81%93/atom.xml\""),
             atom.body);
  const auto rss = get(std::string(kTeaJa) + "rss.xml");
  BOOST_TEST(rss.status == 200);
  BOOST_TEST(
      contains(rss.body, "href=\"https://blog.example.org/ja/tags/%E8%8C%B6%E9%81%93/rss.xml\""));
  const auto json = get(std::string(kTeaJa) + "feed.json");
  BOOST_TEST(json.status == 200);
  BOOST_TEST(
      contains(json.body,
               "\"feed_url\": \"https://blog.example.org/ja/tags/%E8%8C%B6%E9%81%93/feed.json\""));
  // Lower-case hex is the same topic and the same bytes.
  BOOST_TEST(get("/ja/tags/%e8%8c%b6%e9%81%93/atom.xml").etag == atom.etag);
  // All languages.
  const auto all = get("/tags/%E8%8C%B6%E9%81%93/atom.xml");
  BOOST_TEST(all.status == 200);
  BOOST_TEST(contains(all.body, "<title>テストブログ / Test Blog: 茶道</title>"), all.body);

  // Discoverable: "/" links the tag pages, "/ja/" each post's tags, "/ja/tags/" the counts.
  const auto index = get("/").body;
  BOOST_TEST(contains(index, "href=\"ja/tags/\""), index);
  BOOST_TEST(contains(index, "href=\"tags/\""));
  const auto ja_page = get("/ja/").body;
  BOOST_TEST(contains(ja_page, "href=\"tags/\""));
  BOOST_TEST(contains(ja_page, "href=\"tags/%E8%8C%B6%E9%81%93/atom.xml\""), ja_page);
  BOOST_TEST(contains(ja_page, "href=\"tags/%E4%BD%93%E9%A8%93/atom.xml\""));  // 体験
  const auto tag_page = get("/ja/tags/");
  BOOST_TEST(tag_page.status == 200);
  BOOST_TEST(contains(tag_page.body, "<a href=\"%E8%8C%B6%E9%81%93/atom.xml\">茶道</a> (2 posts)"),
             tag_page.body);
  BOOST_TEST(contains(get("/tags/").body, "%E8%8C%B6%E9%81%93/atom.xml"));
  // OPML names it.
  const auto opml = get("/feeds.opml").body;
  BOOST_TEST(
      contains(opml, "xmlUrl=\"https://blog.example.org/ja/tags/%E8%8C%B6%E9%81%93/atom.xml\""),
      opml);
}

BOOST_FIXTURE_TEST_CASE(english_spellings_merge_and_one_language_tags, TopicFixture) {
  write_sample();
  start();
  // "Tea Time" and "tea  time": one topic, both posts, titled as the newest spells it.
  const auto tea = get("/en/tags/tea-time/atom.xml");
  BOOST_TEST_REQUIRE(tea.status == 200);
  BOOST_TEST(contains(tea.body, "Tea at noon"));
  BOOST_TEST(contains(tea.body, "More tea"));
  BOOST_TEST(contains(tea.body, "<title>Test Blog: tea  time</title>"), tea.body);
  BOOST_TEST(contains(get("/en/tags/").body, "(2 posts)"));
  BOOST_TEST(get("/en/tags/Tea-Time/atom.xml").status == 404, "segments are matched exactly");
  // A tag only English posts use: no Japanese feed of it.
  BOOST_TEST(get("/en/tags/only-english/rss.xml").status == 200);
  BOOST_TEST(get("/tags/only-english/rss.xml").status == 200);
  BOOST_TEST(get("/ja/tags/only-english/rss.xml").status == 404);
  BOOST_TEST(!contains(get("/ja/tags/").body, "only-english"));
  BOOST_TEST(get("/en/categories/diary/feed.json").status == 200);
}

BOOST_FIXTURE_TEST_CASE(categories_from_a_movable_type_export, TopicFixture) {
  write_sample();
  start();
  const auto notice = get(std::string(kNoticeJa) + "atom.xml");
  BOOST_TEST_REQUIRE(notice.status == 200, notice.body);
  BOOST_TEST(contains(notice.body, "引っ越しのお知らせ"));
  // The secondary category too, and the English entry's.
  BOOST_TEST(get("/ja/categories/%E6%97%85%E8%A1%8C/atom.xml").status == 200);  // 旅行
  const auto news = get("/en/categories/news/atom.xml");
  BOOST_TEST(news.status == 200);
  BOOST_TEST(contains(news.body, "Moving the Blog"));
  BOOST_TEST(get("/categories/news/atom.xml").status == 200);
  BOOST_TEST(
      contains(get("/ja/tags/").body, "../categories/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/"));
}

BOOST_FIXTURE_TEST_CASE(unknown_topics_are_404, TopicFixture) {
  write_sample();
  start();
  for (const char* path :
       {"/ja/tags/nothing/atom.xml", "/ja/tags/%E8%8C%B6%E9%81%93/index.xml",
        "/xx/tags/%E8%8C%B6%E9%81%93/atom.xml", "/ja/categories/%E8%8C%B6%E9%81%93/atom.xml",
        "/ja/tags/%E8%8C%B6%E9%81%9/atom.xml", "/ja/tags/%E8%8C%B6%E9%81%93/"}) {
    BOOST_TEST(get(path).status == 404, path);
  }
  BOOST_TEST(metric_now("feedd_topic_feed_renders_total") == 0, "no render for a 404");
}

BOOST_FIXTURE_TEST_CASE(validators_and_conditional_get, TopicFixture) {
  write_sample();
  start();
  const std::string path = "/en/tags/tea-time/atom.xml";
  const auto first = get(path);
  BOOST_TEST_REQUIRE(first.status == 200);
  BOOST_TEST(!first.etag.empty());
  const auto again = get(path);
  BOOST_TEST(again.etag == first.etag);
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(get(path, {"If-None-Match: " + first.etag}).status == 304);
  BOOST_TEST(get(path, {"If-None-Match: \"other\""}).status == 200);
  BOOST_TEST(metric_now("feedd_topic_feed_renders_total") == 1);
  BOOST_TEST(metric_now("feedd_topic_cache_hits_total") == 3);
  BOOST_TEST(metric_now("feedd_topic_cache_bytes") > 0);
  // Precompressed like the language feeds, with its own ETag.
  auto gz = run_command({"curl", "-s", "-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: gzip",
                         "http://127.0.0.1:" + std::to_string(port) + path});
  BOOST_TEST(contains(gz.output, "Content-Encoding: gzip"), gz.output);
  BOOST_TEST(contains(gz.output, "-gz\""), gz.output);
}

BOOST_FIXTURE_TEST_CASE(an_edit_changes_only_its_own_topics, TopicFixture) {
  write_file(store / "a.md", post("Alpha post", "en", "2025-01-01", "[alpha]"));
  write_file(store / "b.md", post("Beta post", "en", "2025-01-02", "[beta]"));
  start();
  const auto alpha = get("/en/tags/alpha/atom.xml");
  const auto beta = get("/en/tags/beta/atom.xml");
  BOOST_TEST_REQUIRE(alpha.status == 200);
  BOOST_TEST_REQUIRE(beta.status == 200);
  BOOST_TEST(metric_now("feedd_topic_feed_renders_total") == 2);

  write_file(store / "a.md", post("Alpha post, edited", "en", "2025-01-01", "[alpha]"));
  FEEDD_REQUIRE_AFTER(eventually([&] { return get("/en/tags/alpha/atom.xml").etag != alpha.etag; }),
                      feedd->log());
  BOOST_TEST(contains(get("/en/tags/alpha/atom.xml").body, "Alpha post, edited"));
  const auto beta_after = get("/en/tags/beta/atom.xml");
  BOOST_TEST(beta_after.etag == beta.etag);
  BOOST_TEST(beta_after.body == beta.body);
  // Only alpha was rendered again; beta came from the cache across the new snapshot.
  BOOST_TEST(metric_now("feedd_topic_feed_renders_total") == 3);
}

BOOST_FIXTURE_TEST_CASE(five_thousand_tags_regenerate_without_rendering, TopicFixture) {
  // 100 posts with 50 tags each: 5,000 tags, each in English and for all languages.
  for (int p = 0; p < 100; ++p) {
    std::string tags = "[";
    for (int t = 0; t < 50; ++t) {
      tags += (t == 0 ? "" : ", ") + std::string("tag") + std::to_string(p * 50 + t);
    }
    write_file(store / ("p" + std::to_string(p) + ".md"),
               post("Post " + std::to_string(p), "en", "2025-01-01", tags + "]"));
  }
  start();
  BOOST_TEST(metric_now("feedd_topics") == 10000);
  write_file(store / "p0.md", post("Post 0, edited", "en", "2025-01-01", "[tag0, tag1]"));
  FEEDD_REQUIRE_AFTER(eventually([&] { return metric_now("feedd_snapshot_generation") >= 2; }),
                      feedd->log());
  BOOST_TEST(metric_now("feedd_topics") == 10000 - 2 * 48);
  BOOST_TEST(metric_now("feedd_topic_feed_renders_total") == 0);
  BOOST_TEST(get("/en/tags/tag4999/atom.xml").status == 200);
  BOOST_TEST(metric_now("feedd_topic_feed_renders_total") == 1);
}

BOOST_FIXTURE_TEST_CASE(concurrent_cold_requests_share_one_render, TopicFixture) {
  write_sample();
  start();
  std::vector<std::thread> clients;
  std::vector<Fetched> answers(8);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    clients.emplace_back([&, i] { answers[i] = get(std::string(kTeaJa) + "rss.xml"); });
  }
  for (auto& client : clients) {
    client.join();
  }
  for (const auto& answer : answers) {
    BOOST_TEST(answer.status == 200);
    BOOST_TEST(answer.etag == answers[0].etag);
  }
  BOOST_TEST(metric_now("feedd_topic_feed_renders_total") == 1);
  BOOST_TEST(metric_now("feedd_topic_cache_hits_total") == 7);
}

BOOST_FIXTURE_TEST_CASE(opml_is_well_formed_and_imported_by_newsboat, TopicFixture) {
  write_sample();
  start();
  const auto opml = get("/feeds.opml");
  BOOST_TEST_REQUIRE(opml.status == 200);
  write_file(dir / "feeds.opml", opml.body);
  const auto lint = run_command({"xmllint", "--noout", (dir / "feeds.opml").string()});
  BOOST_TEST(lint.exit_status == 0, lint.output);
  std::filesystem::create_directories(dir / "home");
  const auto imported = run_command({"env", "HOME=" + (dir / "home").string(), "newsboat", "-i",
                                     (dir / "feeds.opml").string(), "-u", (dir / "urls").string(),
                                     "-c", (dir / "cache.db").string()});
  BOOST_TEST_REQUIRE(imported.exit_status == 0, imported.output);
  const auto urls = read_file(dir / "urls");
  for (const char* url :
       {"https://blog.example.org/ja/atom.xml", "https://blog.example.org/en/atom.xml",
        "https://blog.example.org/ja/tags/%E8%8C%B6%E9%81%93/atom.xml",
        "https://blog.example.org/en/tags/tea-time/atom.xml"}) {
    BOOST_TEST(
        contains(urls, std::string(url) +
                           (std::string(url).find("/tags/") == std::string::npos ? "\n" : " ")),
        url << " in\n"
            << urls);
  }
}

BOOST_FIXTURE_TEST_CASE(build_out_writes_what_serve_gives_and_every_feed_validates, TopicFixture) {
  write_sample();
  // The same index as `serve` then opens: the same first-seen times, so the same bytes.
  auto config = write_config(dir.path(), store, dir / "index.sqlite");
  const auto built = run_command({feedd_binary().string(), "build", "--config", config.string(),
                                  "--out", (dir / "out").string()});
  BOOST_TEST_REQUIRE(built.exit_status == 0, built.output);
  start();
  // Every topic the served tag pages list, in every format: the same bytes in the directory
  // (under the decoded name) as served (under the encoded one).
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "out")) {
    const auto rel = std::filesystem::relative(entry.path(), dir / "out").string();
    if (entry.is_regular_file() &&
        (rel.find("tags/") != std::string::npos || rel.find("categories/") != std::string::npos) &&
        !rel.ends_with("index.html")) {
      files.push_back(rel);
    }
  }
  // 16 topics: tags 茶道 体験 (ja), tea-time only-english (en), categories お知らせ 旅行 (ja),
  // diary news (en), each also for all languages; three formats each.
  BOOST_TEST(files.size() == 3u * 16u);
  BOOST_TEST(std::filesystem::exists(dir / "out/ja/tags/茶道/atom.xml"));
  BOOST_TEST(std::filesystem::exists(dir / "out/en/categories/news/rss.xml"));
  const std::regex encoded_segment("(tags|categories)/([^/]+)/");
  for (const auto& file : files) {
    // Encode the segment as feedd does (its links say how).
    std::smatch match;
    BOOST_REQUIRE(std::regex_search(file, match, encoded_segment));
    std::string url_path;
    for (unsigned char c : match[2].str()) {
      const bool keep = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      url_path += keep ? std::string(1, static_cast<char>(c)) : std::string(hex);
    }
    const std::string served_path =
        "/" + match.prefix().str() + match[1].str() + "/" + url_path + "/" + match.suffix().str();
    const auto served = get(served_path);
    BOOST_TEST(served.status == 200, served_path);
    BOOST_TEST(served.body == read_file(dir / "out" / file),
               served_path << " differs from " << file);
  }
  const std::pair<const char*, const char*> pages[] = {{"/feeds.opml", "feeds.opml"},
                                                       {"/ja/tags/", "ja/tags/index.html"},
                                                       {"/tags/", "tags/index.html"}};
  for (const auto& [path, file] : pages) {
    BOOST_TEST(get(path).body == read_file(dir / "out" / file), path);
  }
  validate_feeds(dir / "out", files);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
