// RFC 5005 archives (SPEC "Beyond the usual feed": archives) from a real `feedd serve` over
// loopback HTTP: with 250 posts, following prev-archive from each subscription feed reaches
// every published post exactly once; each page carries fh:archive, self, current and its
// neighbours, validates (xmllint, the RELAX NG schema with the fh namespace, feedparser) and
// is cached like a feed with archive_max_age_s, names no WebSub hub (no topic) while the
// subscription feed does; an edit changes only its own pages' ETags, a
// new post only the newest pages'; a small site is fh:complete with no pages; `feedd build
// --out` writes the same pages.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <regex>
#include <set>

#include "tests/support/feed_validation.h"
#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(archive_test)

namespace {

using namespace std::chrono;

constexpr const char* kFeeds = "https://blog.example.org/";

// Post `n` (dated n days after 2020-01-01, so post 0 is the oldest).
std::string post(int n, const std::string& lang, const std::string& title_suffix = "") {
  const year_month_day day{sys_days{2020y / January / 1} + days{n}};
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return "---\ntitle: Post " + std::to_string(n) + title_suffix + "\ndate: " + date +
         "\nlang: " + lang + "\n---\nText of post " + std::to_string(n) + ".\n";
}

std::string file_of(int n) { return "p" + std::to_string(n) + ".md"; }

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// The href of the link with `rel` in an Atom document ("" when none).
std::string link(const std::string& body, const std::string& rel) {
  std::smatch match;
  const std::regex pattern("<link rel=\"" + rel + "\" type=\"[^\"]*\" href=\"([^\"]*)\"");
  return std::regex_search(body, match, pattern) ? match[1].str() : "";
}

std::vector<std::string> titles(const std::string& body) {
  std::vector<std::string> found;
  const std::regex pattern("<entry[^>]*>\\s*<id>[^<]*</id>\\s*<title>([^<]*)</title>");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    found.push_back((*it)[1].str());
  }
  return found;
}

struct ArchiveFixture {
  TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::unique_ptr<FeeddProcess> feedd;
  int port = 0;

  // 150 English posts (even numbers up to 298) and 100 Japanese ones (odd up to 199).
  void write_250() {
    for (int n = 0; n < 300; n += 2) {
      write_file(store / file_of(n), post(n, "en"));
    }
    for (int n = 1; n < 200; n += 2) {
      write_file(store / file_of(n), post(n, "ja"));
    }
  }
  // `feeds`: lines of the [feeds] table.
  std::filesystem::path config(const std::string& feeds = "") {
    return write_config(dir.path(), store, dir / "index.sqlite",
                        "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\n"
                        "[websub]\nbuiltin_hub = true\n[feeds]\n" +
                            feeds);
  }
  void start() {
    feedd = std::make_unique<FeeddProcess>(config(), dir / "serve.log");
    port = feedd->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  }
  Fetched get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return fetch(port, path, headers);
  }
  // The response head of GET `path` (curl -D).
  std::string head(const std::string& path, const std::vector<std::string>& headers = {}) {
    std::vector<std::string> argv{"curl", "-s", "-D", "-", "-o", "/dev/null"};
    for (const auto& header : headers) {
      argv.push_back("-H");
      argv.push_back(header);
    }
    argv.push_back("http://127.0.0.1:" + std::to_string(port) + path);
    return run_command(argv).output;
  }
  long long metric_now(const std::string& name) {
    return metric_sample(get("/metrics").body, name);
  }

  // Follows prev-archive from `feed` to the first page; the titles met, every page checked.
  std::vector<std::string> walk(const std::string& feed, const std::string& lang_dir,
                                std::size_t pages, std::vector<std::string>& saved) {
    const auto subscription = get(feed);
    BOOST_REQUIRE(subscription.status == 200);
    BOOST_TEST(!contains(subscription.body, "<fh:complete"));
    std::vector<std::string> seen = titles(subscription.body);
    std::string next = link(subscription.body, "prev-archive");
    BOOST_TEST(next == kFeeds + lang_dir + "archive/" + std::to_string(pages) + ".xml");
    std::size_t number = pages;
    std::string newer;  // the page walked before this one
    while (!next.empty()) {
      BOOST_REQUIRE(number >= 1);
      const std::string path = next.substr(std::string(kFeeds).size() - 1);
      const auto page = get(path);
      BOOST_TEST_REQUIRE(page.status == 200, path);
      BOOST_TEST(contains(page.body, "xmlns:fh=\"http://purl.org/syndication/history/1.0\""));
      BOOST_TEST(contains(page.body, "<fh:archive />"), path);
      BOOST_TEST(link(page.body, "self") == next);
      BOOST_TEST(link(page.body, "current") == kFeeds + feed.substr(1));
      BOOST_TEST(link(page.body, "next-archive") == newer, path);
      const auto page_titles = titles(page.body);
      BOOST_TEST(page_titles.size() == (number < pages ? 100u : page_titles.size()), path);
      seen.insert(seen.end(), page_titles.begin(), page_titles.end());
      const std::string file = lang_dir + "archive/" + std::to_string(number) + ".xml";
      write_file(dir / "served" / file, page.body);
      saved.push_back(file);
      newer = next;
      next = link(page.body, "prev-archive");
      --number;
    }
    BOOST_TEST(number == 0u, feed << ": the oldest page has no prev-archive");
    return seen;
  }
};

// Every title once: `seen` holds the subscription feed's (also in the newest pages) and the
// pages', so each expected title must appear in the pages exactly once.
void check_once(std::vector<std::string> seen, std::size_t in_feed, const std::set<int>& expected) {
  std::map<std::string, int> count;
  for (std::size_t i = in_feed; i < seen.size(); ++i) {
    ++count[seen[i]];
  }
  BOOST_TEST(count.size() == expected.size());
  for (int n : expected) {
    BOOST_TEST(count["Post " + std::to_string(n)] == 1, "Post " << n);
  }
}

std::set<int> numbers(int from, int to, int step) {
  std::set<int> result;
  for (int n = from; n < to; n += step) {
    result.insert(n);
  }
  return result;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(prev_archive_reaches_every_post_once_and_pages_are_stable, ArchiveFixture) {
  write_250();
  // `feedd build --out` first, on the index `serve` then opens (same first-seen times).
  const auto built = run_command({feedd_binary().string(), "build", "--config", config().string(),
                                  "--out", (dir / "out").string()});
  BOOST_TEST_REQUIRE(built.exit_status == 0, built.output);
  start();
  BOOST_TEST(metric_now("feedd_archive_pages") == 2 + 1 + 3);
  BOOST_TEST(metric_now("feedd_archive_page_renders_total") == 0, "rendered on request only");

  std::vector<std::string> saved;
  check_once(walk("/en/atom.xml", "en/", 2, saved), 20, numbers(0, 300, 2));
  check_once(walk("/ja/atom.xml", "ja/", 1, saved), 20, numbers(1, 200, 2));
  auto all = numbers(0, 300, 2);
  all.merge(numbers(1, 200, 2));
  check_once(walk("/atom.xml", "", 3, saved), 20, all);
  // Oldest first within a page: page 1 starts with the oldest post.
  BOOST_TEST(titles(get("/archive/1.xml").body).front() == "Post 0");
  BOOST_TEST(titles(get("/en/archive/2.xml").body).back() == "Post 298");
  BOOST_TEST(titles(get("/en/archive/2.xml").body).size() == 50u);

  // What readers and validators make of every page, and `build --out` wrote the same bytes.
  validate_feeds(dir / "served", saved);
  for (const auto& file : saved) {
    BOOST_TEST(read_file(dir / "served" / file) == read_file(dir / "out" / file), file);
  }
  for (const char* missing :
       {"/en/archive/3.xml", "/en/archive/0.xml", "/en/archive/01.xml", "/xx/archive/1.xml",
        "/archive/4.xml", "/en/archive/1.json", "/en/archive/", "/ja/archive/2.xml"}) {
    BOOST_TEST(get(missing).status == 404, missing);
  }

  // Cached like a feed, with the archive's max-age; conditional GET gives 304.
  const auto page1 = get("/en/archive/1.xml");
  const std::string cached = head("/en/archive/1.xml");
  BOOST_TEST(contains(cached, "Cache-Control: public, max-age=86400"), cached);
  BOOST_TEST(contains(cached, "ETag: " + page1.etag), cached);
  const std::string not_modified = head("/en/archive/1.xml", {"If-None-Match: " + page1.etag});
  BOOST_TEST(contains(not_modified, " 304 "), not_modified);
  BOOST_TEST(contains(not_modified, "Cache-Control: public, max-age=86400"), not_modified);
  BOOST_TEST(contains(head("/en/atom.xml"), "Cache-Control: public, max-age=300"));
  const auto gz = head("/en/archive/1.xml", {"Accept-Encoding: gzip"});
  BOOST_TEST(contains(gz, "Content-Encoding: gzip"), gz);

  // With a hub configured, the subscription feed is a WebSub topic (hub in its Link field and
  // document); an archive page is history, no topic: neither names the hub.
  const std::string feed_head = head("/en/atom.xml");
  BOOST_TEST(contains(feed_head, "<https://blog.example.org/websub>; rel=\"hub\""), feed_head);
  BOOST_TEST(contains(get("/en/atom.xml").body, "<link rel=\"hub\""));
  for (const char* path : {"/en/archive/1.xml", "/archive/3.xml"}) {
    BOOST_TEST(!contains(head(path), "rel=\"hub\""), path);
    BOOST_TEST(!contains(get(path).body, "rel=\"hub\""), path);
  }

  // The ETag of every page, before the changes.
  const std::vector<std::string> pages = {"/en/archive/1.xml", "/en/archive/2.xml",
                                          "/ja/archive/1.xml", "/archive/1.xml",
                                          "/archive/2.xml",    "/archive/3.xml"};
  auto etags = [&] {
    std::map<std::string, std::string> result;
    for (const auto& path : pages) {
      result[path] = get(path).etag;
    }
    return result;
  };
  const auto before = etags();
  const long long renders = metric_now("feedd_archive_page_renders_total");
  BOOST_TEST(renders == 6);

  // Editing post 10 (English, 6th oldest of its language, 11th of all) changes only the
  // first English page and the first all-languages page.
  write_file(store / file_of(10), post(10, "en", " (edited)"));
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return get("/en/archive/1.xml").etag != before.at("/en/archive/1.xml"); }),
      feedd->log());
  const auto edited = etags();
  for (const auto& path : pages) {
    const bool changes = path == "/en/archive/1.xml" || path == "/archive/1.xml";
    BOOST_TEST((edited.at(path) != before.at(path)) == changes, path);
  }
  BOOST_TEST(contains(get("/archive/1.xml").body, "Post 10 (edited)"));
  BOOST_TEST(metric_now("feedd_archive_page_renders_total") == renders + 2);

  // A new English post (the newest) changes only the newest English and all-languages pages.
  write_file(store / file_of(400), post(400, "en"));
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return get("/en/archive/2.xml").etag != edited.at("/en/archive/2.xml"); }),
      feedd->log());
  const auto added = etags();
  for (const auto& path : pages) {
    const bool changes = path == "/en/archive/2.xml" || path == "/archive/3.xml";
    BOOST_TEST((added.at(path) != edited.at(path)) == changes, path);
  }
  BOOST_TEST(titles(get("/archive/3.xml").body).back() == "Post 400");
  BOOST_TEST(metric_now("feedd_archive_page_renders_total") == renders + 4);
}

// feeds.archive_max_age_s is applied by a reload (feedd.toml(5)): the archive pages' headers
// take the new lifetime with the first snapshot of the new configuration, the feeds keep theirs.
BOOST_FIXTURE_TEST_CASE(a_reload_changes_the_archive_pages_max_age, ArchiveFixture) {
  write_250();
  start();
  BOOST_TEST(contains(head("/en/archive/1.xml"), "Cache-Control: public, max-age=86400\r\n"));
  config("archive_max_age_s = 3600\n");
  feedd->signal(SIGHUP);
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return contains(feedd->log(), "snapshot 2 published"); }, 120s),
      feedd->log());
  for (const char* path : {"/en/archive/1.xml", "/archive/3.xml"}) {
    const std::string now = head(path);
    BOOST_TEST(contains(now, "Cache-Control: public, max-age=3600\r\n"), path << ": " << now);
  }
  BOOST_TEST(contains(head("/en/atom.xml"), "Cache-Control: public, max-age=300\r\n"));
}

BOOST_FIXTURE_TEST_CASE(a_site_that_fits_in_its_feeds_is_complete, ArchiveFixture) {
  for (int n = 0; n < 3; ++n) {
    write_file(store / file_of(n), post(n, n == 1 ? "ja" : "en"));
  }
  start();
  for (const char* feed : {"/en/atom.xml", "/ja/atom.xml", "/atom.xml"}) {
    const auto body = get(feed).body;
    BOOST_TEST(contains(body, "<fh:complete />"), feed);
    BOOST_TEST(link(body, "prev-archive").empty(), feed);
  }
  BOOST_TEST(get("/en/archive/1.xml").status == 404);
  BOOST_TEST(get("/archive/1.xml").status == 404);
  BOOST_TEST(metric_now("feedd_archive_pages") == 0);
  write_file(dir / "served/en/atom.xml", get("/en/atom.xml").body);
  validate_feeds(dir / "served", {"en/atom.xml"});
}

// `feedd build --out` renders an archive page only when what it shows changed or its file is
// not the one the last build wrote: the log line says how many it rendered.
BOOST_FIXTURE_TEST_CASE(build_renders_only_pages_that_are_not_current, ArchiveFixture) {
  write_250();
  const auto out = dir / "out";
  auto build = [&](const std::filesystem::path& into) {
    const auto built = run_command(
        {feedd_binary().string(), "build", "--config", config().string(), "--out", into.string()});
    BOOST_TEST_REQUIRE(built.exit_status == 0, built.output);
    std::smatch match;
    const std::regex said("(\\d+) of (\\d+) topic feeds and archive pages rendered");
    BOOST_TEST_REQUIRE(std::regex_search(built.output, match, said), built.output);
    BOOST_TEST(match[2].str() == "6");  // 2 English, 1 Japanese, 3 all-languages pages
    return std::stoi(match[1].str());
  };
  BOOST_TEST(build(out) == 6);
  BOOST_TEST(build(out) == 0, "nothing changed");
  BOOST_TEST(build(dir / "elsewhere") == 6, "another output directory has none of them");

  // An edit of post 10 (English, in the first English and first all-languages pages).
  write_file(store / file_of(10), post(10, "en", " (edited)"));
  BOOST_TEST(build(out) == 2);
  BOOST_TEST(contains(read_file(out / "en/archive/1.xml"), "Post 10 (edited)"));
  BOOST_TEST(contains(read_file(out / "archive/1.xml"), "Post 10 (edited)"));
  const std::string en1 = read_file(out / "en/archive/1.xml");
  const std::string all2 = read_file(out / "archive/2.xml");

  // Files deleted or changed by someone else are written again, with the right bytes.
  std::filesystem::remove(out / "en/archive/1.xml");
  write_file(out / "archive/2.xml", "changed by hand");
  BOOST_TEST(build(out) == 2);
  BOOST_TEST(read_file(out / "en/archive/1.xml") == en1);
  BOOST_TEST(read_file(out / "archive/2.xml") == all2);
  BOOST_TEST(build(out) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
