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

// The reader refuses a url of another scheme, but an index written before it did may hold
// one: it never becomes an href.
BOOST_AUTO_TEST_CASE(a_url_of_another_scheme_gives_the_template_link) {
  Post post = post_at_tokyo_new_year();
  post.url = "/elsewhere/a.html";
  BOOST_TEST(permalink(tokyo_site(), post) == "https://blog.example.org/elsewhere/a.html");
  for (const char* bad : {"javascript:alert(1)", "JavaScript:x", "data:text/html,x"}) {
    post.url = bad;
    BOOST_TEST(permalink(tokyo_site(), post) == "https://blog.example.org/2026/01/001_abc.html",
               bad);
  }
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

// What the configuration refuses: a field permalink() would keep as written, a brace left
// open, a template that names no post.
BOOST_AUTO_TEST_CASE(bad_templates_are_found) {
  using Problem = std::optional<std::string>;
  BOOST_TEST((post_url_problem("{base_url}{lang}/{yyyy}-{mm}-{dd}/{slug}/{id}") == Problem()));
  BOOST_TEST((post_url_problem("/{slug}.html") == Problem()));
  const std::string known = " (known: {base_url} {yyyy} {mm} {dd} {id} {slug} {lang})";
  BOOST_TEST((post_url_problem("{base_url}{yyyy}/{year}/{id}{other}") ==
              Problem("unknown field {year}" + known)));
  BOOST_TEST((post_url_problem("{base_url}{}{id}") == Problem("unknown field {}" + known)));
  BOOST_TEST((post_url_problem("/p/{ID}") == Problem("unknown field {ID}" + known)));
  BOOST_TEST((post_url_problem("{base_url}{id") == Problem("a { without its } at byte 11")));
  BOOST_TEST((post_url_problem("{base_url{id}") == Problem("a { without its } at byte 1")));
  BOOST_TEST((post_url_problem("{base_url}{yyyy}/{mm}/{dd}.html") ==
              Problem("neither {id} nor {slug}: posts would share one link")));
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
