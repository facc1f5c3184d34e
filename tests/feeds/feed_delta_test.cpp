// RFC 3229 delta bodies and the versions they are made against: keeping every entry gives the
// document back byte for byte; a delta keeps the feed-level elements and only the entries and
// tombstones it names, in order, and still validates (xmllint, the RELAX NG schema with the
// tombstone namespace, feedparser with no bozo flag); versions are found by the ETag of each
// coding, W/ or not, capped, and a tag that comes back is not remembered twice.
#include "feeds/feed_delta.h"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "feeds/feed_set.h"
#include "feeds/feed_versions.h"
#include "feeds/render.h"
#include "feeds/snapshot.h"
#include "tests/feeds/sample_feeds.h"
#include "tests/support/test_support.h"

using namespace feedd::feeds;
using feedd::testing::run_command;

BOOST_AUTO_TEST_SUITE(feed_delta)

namespace {

std::filesystem::path testdata(const std::string& name) {
  return feedd::testing::testdata_dir() / "feeds" / "testdata" / name;
}

// The sample English feed with two tombstones.
FeedContent with_tombstones() {
  FeedContent feed = testing::sample_feeds().feeds[1];
  feed.tombstones = {Tombstone{"tag:blog.example.org,2025-04-20:gone_b", testing::tokyo_time(2)},
                     Tombstone{"tag:blog.example.org,2025-04-19:gone_a", testing::tokyo_time(1)}};
  return feed;
}

DeltaSelection keep_all(const FeedContent& feed, FeedFormat format) {
  return select_delta(EntrySet{}, entry_set_of(feed, format));
}

// Every outside check of one XML feed; returns feedparser's report.
boost::json::object check(const feedd::testing::TempDir& dir, const std::string& name,
                          const std::string& body) {
  const auto file = dir / name;
  feedd::testing::write_file(file, body);
  const auto lint = run_command({"xmllint", "--noout", file.string()});
  BOOST_TEST(lint.exit_status == 0, lint.output);
  if (name.ends_with("atom.xml")) {
    const auto schema = run_command(
        {"xmllint", "--noout", "--relaxng", testdata("atom.rng").string(), file.string()});
    BOOST_TEST(schema.exit_status == 0, schema.output);
  }
  const auto report =
      run_command({"/usr/bin/python3", testdata("check_feed.py").string(), file.string()});
  BOOST_REQUIRE_MESSAGE(report.exit_status == 0, report.output);
  auto object = boost::json::parse(report.output).as_object();
  BOOST_TEST(object.at("bozo").as_int64() == 0, object.at("error").as_string());
  return object;
}

}  // namespace

BOOST_AUTO_TEST_CASE(keeping_everything_gives_the_document_back) {
  const SiteOptions site = testing::sample_site();
  std::vector<FeedContent> feeds = testing::sample_feeds().feeds;
  feeds.push_back(with_tombstones());
  feeds.push_back(testing::many_entries(site, 50));
  for (const FeedContent& feed : feeds) {
    for (FeedFormat format : {FeedFormat::atom, FeedFormat::rss}) {
      const std::string document = render_feed(site, feed, format).body;
      BOOST_TEST(render_delta(document, keep_all(feed, format)) == document);
    }
  }
  BOOST_TEST(render_delta("{\"version\": 1}", {}).empty(), "not a feed feedd rendered");
  BOOST_TEST(render_delta("<html/>", {}).empty());
}

BOOST_AUTO_TEST_CASE(a_delta_keeps_the_feed_and_only_the_new_entries_and_tombstones) {
  const SiteOptions site = testing::sample_site();
  const FeedContent current = with_tombstones();
  FeedContent old = current;
  old.entries.erase(old.entries.begin());           // the newest entry is new since `old`
  old.entries[0].updated -= std::chrono::hours(1);  // and the other one changed
  old.tombstones.erase(old.tombstones.begin());     // gone_b went away since
  feedd::testing::TempDir dir;
  for (FeedFormat format : {FeedFormat::atom, FeedFormat::rss}) {
    const RenderedFeed full = render_feed(site, current, format);
    const DeltaSelection keep =
        select_delta(entry_set_of(old, format), entry_set_of(current, format));
    const std::string delta = render_delta(full.body, keep);
    const auto report = check(dir, full.path.substr(3), delta);  // "atom.xml", "rss.xml"
    BOOST_TEST(report.at("count").as_int64() == 2);
    // Unchanged entries drop out: the same delta against the current version is empty.
    const std::string none = render_delta(
        full.body, select_delta(entry_set_of(current, format), entry_set_of(current, format)));
    BOOST_TEST(check(dir, "none-" + full.path.substr(3), none).at("count").as_int64() == 0);
    // The feed-level part is the full document's, up to the first entry.
    const std::string first = format == FeedFormat::atom ? "  <entry>" : "    <item>";
    BOOST_TEST(delta.substr(0, delta.find(first)) == full.body.substr(0, full.body.find(first)));
    if (format == FeedFormat::atom) {
      BOOST_TEST(delta.find("ref=\"tag:blog.example.org,2025-04-20:gone_b\"") != std::string::npos);
      BOOST_TEST(delta.find("gone_a") == std::string::npos, delta);
      BOOST_TEST(none.find("deleted-entry") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(select_delta_names_added_changed_and_newly_deleted) {
  const auto t = testing::tokyo_time(0);
  const auto later = t + std::chrono::seconds(1);
  const EntrySet old{{{"a", t, 1}, {"b", t, 1}, {"c", t, 1}, {"d", t, 1}}, {{"x", t, 0}}};
  // "d": shown differently at the same updated time (a second edit within that second).
  const EntrySet current{{{"new", t, 1}, {"b", later, 1}, {"c", t, 1}, {"d", t, 2}},
                         {{"a", t, 0}, {"x", t, 0}}};
  const DeltaSelection keep = select_delta(old, current);
  BOOST_TEST((keep.entries == std::unordered_set<std::string>{"new", "b", "d"}));
  BOOST_TEST((keep.tombstones == std::unordered_set<std::string>{"a"}));
}

// An entry edited without a later updated time (two edits within one second), or whose
// translation changed, is in a delta: what it shows changed.
BOOST_AUTO_TEST_CASE(an_entry_shown_differently_at_the_same_time_is_in_a_delta) {
  const FeedContent old = testing::sample_feeds().feeds[1];
  BOOST_REQUIRE(old.entries.size() >= 2u);
  FeedContent edited = old;
  edited.entries[0].post.content_html += "<p>A second fix.</p>";
  FeedContent translated = old;
  translated.entries[1].translations.push_back({"ja", "https://blog.example.org/ja/x", "訳"});
  for (auto format : {FeedFormat::atom, FeedFormat::rss}) {
    const auto set = entry_set_of(old, format);
    BOOST_TEST((select_delta(set, entry_set_of(edited, format)).entries ==
                std::unordered_set<std::string>{old.entries[0].id}));
    BOOST_TEST((select_delta(set, entry_set_of(translated, format)).entries ==
                std::unordered_set<std::string>{old.entries[1].id}));
    BOOST_TEST(select_delta(set, entry_set_of(old, format)).entries.empty());
  }
}

BOOST_AUTO_TEST_CASE(versions_are_found_by_each_codings_etag_and_capped) {
  auto set = std::make_shared<const EntrySet>();
  const std::string v1 = make_etag("one", Coding::identity);
  const std::string v2 = make_etag("two", Coding::identity);
  const std::string v3 = make_etag("three", Coding::identity);
  auto versions = FeedVersions::next(nullptr, v1, set, 2);
  versions = FeedVersions::next(versions.get(), v2, set, 2);
  BOOST_TEST(versions->size() == 2u);
  BOOST_TEST(versions->current().tag == v2);
  BOOST_REQUIRE(versions->find(v1, Coding::identity) != nullptr);
  BOOST_TEST(versions->find(v1, Coding::identity)->tag == v1);
  BOOST_TEST(versions->find(make_etag("one", Coding::gzip), Coding::gzip)->tag == v1);
  BOOST_TEST(versions->find("W/" + make_etag("one", Coding::br), Coding::br)->tag == v1);
  BOOST_TEST(versions->find(make_etag("one", Coding::gzip), Coding::br) == nullptr,
             "another coding's tag names no version of this one");
  BOOST_TEST(versions->find(make_etag("one", Coding::identity, true), Coding::identity) == nullptr);
  BOOST_TEST(versions->find("\"nothing\"", Coding::identity) == nullptr);
  versions = FeedVersions::next(versions.get(), v3, set, 2);
  BOOST_TEST(versions->find(v1, Coding::identity) == nullptr, "too old: forgotten");
  versions = FeedVersions::next(versions.get(), v2, set, 5);  // the bytes came back
  BOOST_TEST(versions->size() == 2u);
  BOOST_TEST(versions->current().tag == v2);
  std::vector<std::string> tags;
  for_each_entity_tag("W/\"a\", \"b\",\"c\" , x \"d\"",
                      [&](std::string_view tag) { tags.emplace_back(tag); });
  BOOST_TEST(tags == (std::vector<std::string>{"W/\"a\"", "\"b\"", "\"c\""}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(tombstones_render_in_atom_only_and_validate) {
  const SiteOptions site = testing::sample_site();
  const FeedContent feed = with_tombstones();
  const std::string atom = render_feed(site, feed, FeedFormat::atom).body;
  BOOST_TEST(atom.find("xmlns:at=\"http://purl.org/atompub/tombstones/1.0\"") != std::string::npos);
  BOOST_TEST(atom.find("<at:deleted-entry ref=\"tag:blog.example.org,2025-04-20:gone_b\" "
                       "when=\"2025-04-29T00:00:00+09:00\" />") != std::string::npos,
             atom);
  BOOST_TEST(atom.find("gone_b") < atom.find("gone_a"), "newest first");
  feedd::testing::TempDir dir;
  BOOST_TEST(check(dir, "atom.xml", atom).at("count").as_int64() == 2);
  const std::string rss = render_feed(site, feed, FeedFormat::rss).body;
  BOOST_TEST(rss.find("gone_b") == std::string::npos);
  BOOST_TEST(entry_set_of(feed, FeedFormat::rss).tombstones.empty());
  BOOST_TEST(entry_set_of(feed, FeedFormat::atom).tombstones.size() == 2u);
  const std::string plain =
      render_feed(site, testing::sample_feeds().feeds[1], FeedFormat::atom).body;
  BOOST_TEST(plain.find("xmlns:at") == std::string::npos, "no namespace without tombstones");
}

BOOST_AUTO_TEST_SUITE_END()
