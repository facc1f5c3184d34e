// Every rendered feed is checked by outside tools: xmllint (well-formed XML), xmllint
// --relaxng against tests/feeds/testdata/atom.rng (RFC 4287's schema), and feedparser or the
// JSON Feed checks in tests/feeds/testdata/check_feed.py (no bozo flag, the right entries).
// Broken documents are fed to the same checks to show they can fail.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "feeds/feed_set.h"
#include "feeds/render.h"
#include "feeds/xml_text.h"
#include "tests/feeds/sample_feeds.h"
#include "tests/support/test_support.h"

using namespace feedd::feeds;
using feedd::testing::run_command;

BOOST_AUTO_TEST_SUITE(validation)

namespace {

std::filesystem::path testdata(const std::string& name) {
  return feedd::testing::testdata_dir() / "feeds" / "testdata" / name;
}

feedd::testing::CommandResult xmllint(const std::filesystem::path& file) {
  return run_command({"xmllint", "--noout", file.string()});
}

feedd::testing::CommandResult relaxng(const std::filesystem::path& file) {
  return run_command(
      {"xmllint", "--noout", "--relaxng", testdata("atom.rng").string(), file.string()});
}

boost::json::object reader_report(const std::filesystem::path& file) {
  const auto result =
      run_command({"/usr/bin/python3", testdata("check_feed.py").string(), file.string()});
  BOOST_REQUIRE_MESSAGE(result.exit_status == 0, "check_feed.py failed: " << result.output);
  return boost::json::parse(result.output).as_object();
}

// Writes `body` to dir/path and checks it with every tool that applies to its format.
void check_feed(const feedd::testing::TempDir& dir, const std::string& path,
                const std::string& body, const FeedContent& feed) {
  BOOST_TEST_CONTEXT(path) {
    const std::filesystem::path file = dir / path;
    feedd::testing::write_file(file, body);
    const bool is_xml = path.ends_with(".xml");
    if (is_xml) {
      const auto lint = xmllint(file);
      BOOST_TEST(lint.exit_status == 0, lint.output);
    }
    if (path.ends_with("atom.xml")) {
      const auto schema = relaxng(file);
      BOOST_TEST(schema.exit_status == 0, schema.output);
    }
    const boost::json::object report = reader_report(file);
    const std::string expected_version =
        path.ends_with("atom.xml") ? "atom10" : (path.ends_with("rss.xml") ? "rss20" : "json11");
    BOOST_TEST(report.at("version").as_string() == expected_version);
    BOOST_TEST(report.at("bozo").as_int64() == 0, report.at("error").as_string());
    BOOST_REQUIRE_EQUAL(report.at("count").as_int64(),
                        static_cast<std::int64_t>(feed.entries.size()));
    const auto& ids = report.at("ids").as_array();
    const auto& titles = report.at("titles").as_array();
    const auto& links = report.at("links").as_array();
    for (std::size_t i = 0; i < feed.entries.size(); ++i) {
      const Entry& entry = feed.entries[i];
      BOOST_TEST(ids[i].as_string() == entry.id);
      BOOST_TEST(titles[i].as_string() == clean_xml_text(entry.post.title));
      BOOST_TEST(links[i].as_string() == entry.url);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_rendered_feed_validates_and_parses_cleanly) {
  const testing::SampleFeeds sample = testing::sample_feeds();
  const auto rendered = render_feed_set(sample.site, sample.feeds);
  BOOST_REQUIRE_EQUAL(rendered.size(), sample.feeds.size() * 3);
  feedd::testing::TempDir dir;
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    check_feed(dir, rendered[i].path, rendered[i].body, sample.feeds[i / 3]);
  }
}

BOOST_AUTO_TEST_CASE(summary_only_and_empty_feeds_validate) {
  SiteOptions site = testing::sample_site();
  site.full_content = false;
  const testing::SampleFeeds sample = testing::sample_feeds();
  const std::vector<FeedContent> feeds = {sample.feeds[2], FeedContent{"en", {}}};
  const auto rendered = render_feed_set(site, feeds);
  feedd::testing::TempDir dir;
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    check_feed(dir, rendered[i].path, rendered[i].body, feeds[i / 3]);
  }
}

BOOST_AUTO_TEST_CASE(a_thousand_entries_validate) {
  const SiteOptions site = testing::sample_site();
  const FeedContent feed = testing::many_entries(site, 1000);
  feedd::testing::TempDir dir;
  check_feed(dir, "en/atom.xml", render_atom(site, feed), feed);
  check_feed(dir, "en/rss.xml", render_rss(site, feed), feed);
  check_feed(dir, "en/feed.json", render_json(site, feed), feed);
}

BOOST_AUTO_TEST_CASE(broken_atom_fails_the_checks) {
  const testing::SampleFeeds sample = testing::sample_feeds();
  const std::string good = render_atom(sample.site, sample.feeds[1]);
  feedd::testing::TempDir dir;
  const auto write = [&dir](const std::string& name, const std::string& body) {
    feedd::testing::write_file(dir / name, body);
    return dir / name;
  };
  BOOST_TEST(relaxng(write("good.xml", good)).exit_status == 0);

  const auto remove_first = [&good](const std::string& needle) {
    std::string broken = good;
    const std::size_t entry = broken.find("<entry>");
    const std::size_t at = broken.find(needle, entry);
    BOOST_REQUIRE(entry != std::string::npos && at != std::string::npos);
    const std::size_t end = broken.find('\n', at);
    broken.erase(at, end - at);
    return broken;
  };
  BOOST_TEST(relaxng(write("no_id.xml", remove_first("<id>"))).exit_status != 0);
  BOOST_TEST(relaxng(write("no_updated.xml", remove_first("<updated>"))).exit_status != 0);
  BOOST_TEST(relaxng(write("no_title.xml", remove_first("<title>"))).exit_status != 0);

  std::string no_zone = good;
  no_zone.replace(no_zone.find("+09:00</updated>"), 6, "");
  BOOST_TEST(relaxng(write("no_zone.xml", no_zone)).exit_status != 0);

  // Not even well-formed: a raw control character and an unclosed element.
  std::string malformed = good;
  malformed.insert(malformed.find("About cats"), "\x01");
  malformed.erase(malformed.rfind("</feed>"));
  const auto file = write("malformed.xml", malformed);
  BOOST_TEST(xmllint(file).exit_status != 0);
  BOOST_TEST(reader_report(file).at("bozo").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(broken_json_feed_fails_the_checks) {
  const testing::SampleFeeds sample = testing::sample_feeds();
  std::string broken = render_json(sample.site, sample.feeds[1]);
  broken.replace(broken.find("\"id\": "), 6, "\"ident\": ");
  feedd::testing::TempDir dir;
  feedd::testing::write_file(dir / "feed.json", broken);
  BOOST_TEST(reader_report(dir / "feed.json").at("bozo").as_int64() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
