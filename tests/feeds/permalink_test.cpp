#include <date/tz.h>

#include <boost/test/unit_test.hpp>

#include "feeds/render.h"

using feedd::feeds::permalink;
using feedd::feeds::SiteOptions;
using feedd::storage::Post;

BOOST_AUTO_TEST_SUITE(permalink_expansion)

namespace {

SiteOptions tokyo_site() {
  SiteOptions site;
  site.base_url = "https://blog.example.org/";
  site.feeds_url = "https://blog.example.org/feeds/";
  site.timezone = date::locate_zone("Asia/Tokyo");
  return site;
}

Post post_at_tokyo_new_year() {
  Post post;
  post.key = "001_abc";
  post.lang = "en";
  // 2025-12-31T15:30Z is 2026-01-01 00:30 in Tokyo: the date parts are Tokyo's.
  post.published = date::sys_days{date::year{2025} / 12 / 31} + std::chrono::hours(15) +
                   std::chrono::minutes(30);
  return post;
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_template_uses_local_date) {
  BOOST_TEST(permalink(tokyo_site(), post_at_tokyo_new_year()) ==
             "https://blog.example.org/2026/01/001_abc.html");
}

BOOST_AUTO_TEST_CASE(every_placeholder) {
  SiteOptions site = tokyo_site();
  site.post_url_template = "{base_url}{lang}/{yyyy}-{mm}-{dd}/{slug}/{id}{unknown}";
  Post post = post_at_tokyo_new_year();
  BOOST_TEST(permalink(site, post) ==
             "https://blog.example.org/en/2026-01-01/001_abc/001_abc%7Bunknown%7D");
  post.slug = "hello world/日本";
  BOOST_TEST(permalink(site, post) ==
             "https://blog.example.org/en/2026-01-01/hello%20world/%E6%97%A5%E6%9C%AC/"
             "001_abc%7Bunknown%7D");
}

// What the configuration refuses: the first field permalink() would keep as written.
BOOST_AUTO_TEST_CASE(unknown_fields_are_found) {
  using Field = std::optional<std::string>;
  BOOST_TEST((unknown_permalink_field("{base_url}{lang}/{yyyy}-{mm}-{dd}/{slug}/{id}") == Field()));
  BOOST_TEST((unknown_permalink_field("{base_url}{yyyy}/{year}/{id}{other}") == Field("year")));
  BOOST_TEST((unknown_permalink_field("{base_url}{}") == Field("")));
  BOOST_TEST((unknown_permalink_field("/posts/{id") == Field()));  // a lone brace is text
  BOOST_TEST((unknown_permalink_field("/p/{ID}") == Field("ID")));
}

BOOST_AUTO_TEST_CASE(relative_template_resolves_against_base_url) {
  SiteOptions site = tokyo_site();
  site.post_url_template = "/posts/{id}";
  BOOST_TEST(permalink(site, post_at_tokyo_new_year()) == "https://blog.example.org/posts/001_abc");
}

BOOST_AUTO_TEST_CASE(explicit_url_wins) {
  Post post = post_at_tokyo_new_year();
  post.url = "https://elsewhere.example/p/1";
  BOOST_TEST(permalink(tokyo_site(), post) == "https://elsewhere.example/p/1");
  post.url = "archives/1.html";
  BOOST_TEST(permalink(tokyo_site(), post) == "https://blog.example.org/archives/1.html");
}

BOOST_AUTO_TEST_SUITE_END()
