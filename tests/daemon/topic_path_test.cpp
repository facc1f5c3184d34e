// Request paths of topic feeds: the shapes that name one, percent-decoding of the segment,
// and the shapes that do not (left to the router, which answers 404).
#include "daemon/http/topic_path.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "daemon/http/topic_feeds.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(topic_path_test)

namespace {

BOOST_AUTO_TEST_CASE(language_and_all_language_forms) {
  auto ja = parse_topic_path("/ja/tags/%E8%8C%B6%E9%81%93/atom.xml");
  BOOST_REQUIRE(ja);
  BOOST_TEST(ja->lang == "ja");
  BOOST_TEST((ja->kind == feeds::TopicKind::tag));
  BOOST_TEST(ja->segment == "茶道");
  BOOST_TEST((ja->format == feeds::FeedFormat::atom));
  auto all = parse_topic_path("/categories/news/feed.json");
  BOOST_REQUIRE(all);
  BOOST_TEST(all->lang == "");
  BOOST_TEST((all->kind == feeds::TopicKind::category));
  BOOST_TEST((all->format == feeds::FeedFormat::json));
  BOOST_TEST(parse_topic_path("/en/tags/tea-time/rss.xml")->segment == "tea-time");
  BOOST_TEST(parse_topic_path("/en/tags/%e8%8c%b6%e9%81%93/rss.xml")->segment == "茶道");
}

BOOST_AUTO_TEST_CASE(other_shapes_name_no_topic_feed) {
  for (const char* path : {"/", "/ja/atom.xml", "/ja/tags/", "/tags/", "/ja/tags/x", "/ja/tags/x/",
                           "/ja/tags//atom.xml", "/ja/tags/x/index.html", "/ja/labels/x/atom.xml",
                           "/ja/x/tags/y/atom.xml", "//tags/x/atom.xml", "/ja/tags/%E8%8/atom.xml",
                           "/ja/tags/x/atom.xml/", "ja/tags/x/atom.xml"}) {
    BOOST_TEST(!parse_topic_path(path), path);
  }
}

BOOST_AUTO_TEST_CASE(may_serve_is_false_only_where_serves_is) {
  // The session looks a path up in the snapshot first and parses it as a topic feed or an
  // archive page only when may_serve() says it could be one: it must never miss one.
  const std::vector<std::string> segments = {
      "",      "ja",     "tags",  "categories", "archive", "x",        "%41",
      "1.xml", "12.xml", "0.xml", "atom.xml",   "rss.xml", "feed.json"};
  std::vector<std::string> paths = {"/"};
  for (std::size_t begin = 0, depth = 0; depth < 4; ++depth) {
    const std::size_t end = paths.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (const std::string& segment : segments) {
        paths.push_back(paths[i] + (paths[i] == "/" ? "" : "/") + segment);
      }
    }
    begin = end;
  }
  std::size_t served = 0;
  for (const std::string& path : paths) {
    if (TopicFeeds::serves(path)) {
      ++served;
      BOOST_TEST(TopicFeeds::may_serve(path), path);
    }
  }
  BOOST_TEST(served > 100);
  for (const char* path : {"/", "/atom.xml", "/ja/atom.xml", "/ja/feed.json", "/ja/", "/tags/",
                           "/feeds.opml", "/feed.css"}) {
    BOOST_TEST(!TopicFeeds::may_serve(path), path);  // the snapshot's own, not parsed
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
