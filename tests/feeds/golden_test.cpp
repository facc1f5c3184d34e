// Renders the hand-built sample feeds and compares them byte for byte with
// tests/feeds/testdata/<case>/expected.{atom,rss,json}. FEEDD_UPDATE_GOLDEN=1 rewrites them
// (then review the diff by eye before committing).
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "feeds/feed_set.h"
#include "feeds/html_document.h"
#include "feeds/render.h"
#include "tests/feeds/sample_feeds.h"
#include "tests/support/test_support.h"

using namespace feedd::feeds;

BOOST_AUTO_TEST_SUITE(golden)

namespace {

std::filesystem::path golden_dir(const std::string& name) {
  return feedd::testing::testdata_dir() / "feeds" / "testdata" / name;
}

void check_golden(const std::string& name, const std::string& extension,
                  const std::string& actual) {
  const std::filesystem::path path = golden_dir(name) / ("expected." + extension);
  const char* update = std::getenv("FEEDD_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    feedd::testing::write_file(path, actual);
    BOOST_TEST_MESSAGE("rewrote " << path);
    return;
  }
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(path),
                        path << " is missing; run with FEEDD_UPDATE_GOLDEN=1");
  const std::string expected = feedd::testing::read_file(path);
  BOOST_TEST(actual == expected, "output differs from " << path);
}

void check_case(const std::string& name, const SiteOptions& site, const FeedContent& feed) {
  check_golden(name, "atom", render_atom(site, feed));
  check_golden(name, "rss", render_rss(site, feed));
  check_golden(name, "json", render_json(site, feed));
}

}  // namespace

BOOST_AUTO_TEST_CASE(bilingual_feeds_match_their_golden_files) {
  const testing::SampleFeeds sample = testing::sample_feeds();
  check_case("bilingual_ja", sample.site, sample.feeds[0]);
  check_case("bilingual_en", sample.site, sample.feeds[1]);
  check_case("bilingual_all", sample.site, sample.feeds[2]);
}

// Entries whose Atom children are rendered once and spliced into every feed showing a copy
// (Entry::atom, as `feedd build` does for a post's two archive pages) give the same bytes,
// the all-languages feed's xml:lang included.
BOOST_AUTO_TEST_CASE(entries_rendered_once_match_the_golden_files) {
  testing::SampleFeeds sample = testing::sample_feeds();
  std::map<std::string, std::shared_ptr<AtomChildren>> rendered;  // by post key
  for (FeedContent& feed : sample.feeds) {
    for (Entry& entry : feed.entries) {
      auto& slot = rendered[entry.post.key];
      if (!slot) {
        slot = std::make_shared<AtomChildren>();
      }
      entry.atom = slot;
    }
  }
  // Each post is in its language's feed and the all-languages one: one slot for both.
  BOOST_TEST_REQUIRE(rendered.size() == sample.feeds[2].entries.size());
  check_golden("bilingual_ja", "atom", render_atom(sample.site, sample.feeds[0]));
  check_golden("bilingual_en", "atom", render_atom(sample.site, sample.feeds[1]));
  // Every entry of the all-languages feed was rendered for its language's: no body is
  // parsed again (the entries hold no parsed body, so rendering one whole parses it).
  const auto parsed = html_bodies_parsed();
  check_golden("bilingual_all", "atom", render_atom(sample.site, sample.feeds[2]));
  check_golden("bilingual_all", "atom", render_atom(sample.site, sample.feeds[2]));  // again
  BOOST_TEST(html_bodies_parsed() == parsed);
  for (const auto& [key, slot] : rendered) {
    BOOST_TEST(slot->text.find("<id>") != std::string::npos, key);
  }
}

// With slots on some entries only, the mark's own text in a title and in a body, tombstones
// after the entries, with and without full content: the bytes of the feed rendered whole.
BOOST_AUTO_TEST_CASE(entries_rendered_once_give_the_bytes_rendered_whole) {
  for (const bool full_content : {true, false}) {
    testing::SampleFeeds sample = testing::sample_feeds();
    sample.site.full_content = full_content;
    FeedContent& all = sample.feeds[2];
    BOOST_TEST_REQUIRE(all.entries.size() >= 3u);
    all.entries[0].post.title += "<!--feedd-entry-->";
    all.entries[1].post.content_html += "\n    <!--feedd-entry-->\n<p>after</p>";
    all.tombstones.push_back({"tag:blog.example.org,2025-04-01:gone", testing::tokyo_time(1)});
    const std::string whole = render_atom(sample.site, all);
    for (std::size_t i = 1; i < all.entries.size(); i += 2) {
      all.entries[i].atom = std::make_shared<AtomChildren>();
    }
    BOOST_TEST(render_atom(sample.site, all) == whole, "full content " << full_content);
    BOOST_TEST(whole.find("&lt;!--feedd-entry--&gt;") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(empty_feed_matches_its_golden_files) {
  SiteOptions site = testing::sample_site();
  site.full_content = false;
  check_case("empty", site, FeedContent{"ja", {}});
}

BOOST_AUTO_TEST_CASE(summary_only_feed_matches_its_golden_files) {
  testing::SampleFeeds sample = testing::sample_feeds();
  sample.site.full_content = false;
  check_case("summary_only", sample.site, sample.feeds[1]);
}

BOOST_AUTO_TEST_CASE(rendering_is_deterministic) {
  const testing::SampleFeeds first = testing::sample_feeds();
  const testing::SampleFeeds second = testing::sample_feeds();
  const auto a = render_feed_set(first.site, first.feeds);
  const auto b = render_feed_set(second.site, second.feeds);
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].body == b[i].body);
  }
}

BOOST_AUTO_TEST_CASE(feed_set_paths_types_and_last_modified) {
  const testing::SampleFeeds sample = testing::sample_feeds();
  const auto rendered = render_feed_set(sample.site, sample.feeds);
  BOOST_REQUIRE_EQUAL(rendered.size(), 9u);
  const char* paths[] = {"ja/atom.xml",  "ja/rss.xml", "ja/feed.json", "en/atom.xml", "en/rss.xml",
                         "en/feed.json", "atom.xml",   "rss.xml",      "feed.json"};
  const char* types[] = {"application/atom+xml; charset=utf-8",
                         "application/rss+xml; charset=utf-8", "application/feed+json"};
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    BOOST_TEST(rendered[i].path == paths[i]);
    BOOST_TEST(rendered[i].content_type == types[i % 3]);
  }
  BOOST_TEST(rendered[0].body == render_atom(sample.site, sample.feeds[0]));
  BOOST_TEST(rendered[7].body == render_rss(sample.site, sample.feeds[2]));
  BOOST_TEST(rendered[5].body == render_json(sample.site, sample.feeds[1]));
  // ja: the cat post was updated on 2025-05-01 12:00 Tokyo; en: newest is 2025-04-30.
  BOOST_TEST(rendered[0].last_modified.time_since_epoch().count() ==
             testing::tokyo_time(4, 12).time_since_epoch().count());
  BOOST_TEST(rendered[3].last_modified.time_since_epoch().count() ==
             testing::tokyo_time(3).time_since_epoch().count());
  BOOST_TEST(rendered[6].last_modified.time_since_epoch().count() ==
             testing::tokyo_time(4, 12).time_since_epoch().count());
  const auto empty = render_feed_set(sample.site, {FeedContent{"ja", {}}});
  BOOST_TEST(empty[0].last_modified.time_since_epoch().count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
