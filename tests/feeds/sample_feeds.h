// Hand-built entries for the golden and validation tests: two languages (ja, en), a pair
// of translations, tags and categories, a relative image, a control character in a title
// and invalid UTF-8 in content. Header-only so the *_test.cpp glob needs nothing more.
#pragma once

#include <date/tz.h>

#include <string>
#include <vector>

#include "feeds/entry.h"
#include "feeds/render.h"
#include "feeds/site_options.h"

namespace feedd::feeds::testing {

inline SiteOptions sample_site() {
  SiteOptions site;
  site.base_url = "https://blog.example.org/";
  site.feeds_url = "https://blog.example.org/feeds/";
  site.author = "Site Author";
  site.timezone = date::locate_zone("Asia/Tokyo");
  site.languages = {LanguageInfo{"ja", "ブログ", "日々のこと"},
                    LanguageInfo{"en", "Blog (English)", "Notes in English"}};
  site.max_age_s = 300;
  return site;
}

// `days` and `hours` after 2025-04-27 00:00 in Tokyo (2025-04-26T15:00Z).
inline std::chrono::sys_seconds tokyo_time(int days, int hours = 0) {
  return date::sys_days{date::year{2025} / 4 / 26} + std::chrono::hours(15 + 24 * days + hours);
}

inline Entry make_entry(const SiteOptions& site, storage::Post post,
                        std::chrono::sys_seconds updated) {
  Entry entry;
  entry.id = "tag:blog.example.org," + post.local_date + ":" + post.key;
  entry.updated = updated;
  entry.url = permalink(site, post);
  entry.post = std::move(post);
  return entry;
}

struct SampleFeeds {
  SiteOptions site;
  std::vector<FeedContent> feeds;  // "ja", "en", "" (all)
};

inline SampleFeeds sample_feeds() {
  SampleFeeds sample{sample_site(), {}};
  const SiteOptions& site = sample.site;

  storage::Post cats_ja;
  cats_ja.key = "002_b2";
  cats_ja.lang = "ja";
  cats_ja.title = "猫の話";
  cats_ja.content_html =
      "<p>今日は猫について書きます。<img src=\"images/cat.jpg\" alt=\"猫\"></p>\n"
      "<h3>見出し</h3>\n<p>二段落目です。</p>";
  cats_ja.tags = {"猫", "日常"};
  cats_ja.categories = {"日記"};
  cats_ja.published = tokyo_time(3);
  cats_ja.local_date = "2025-04-30";
  cats_ja.translation_key = "cats";

  storage::Post control_ja;
  control_ja.key = "001_a1";
  control_ja.lang = "ja";
  control_ja.title = std::string("制御\x01文字の記事");
  control_ja.author = "著者";
  control_ja.content_html =
      "<p>前の<a href=\"../03/old.html\">記事</a>と<a href=\"https://example.com/\">外部"
      "</a>へのリンク。</p>";
  control_ja.published = tokyo_time(2, 9);
  control_ja.local_date = "2025-04-29";

  storage::Post cats_en;
  cats_en.key = "003_c3";
  cats_en.lang = "en";
  cats_en.title = "About cats";
  cats_en.content_html =
      "<p>Today I write about cats &amp; dogs. <img src=\"images/cat.jpg\" "
      "srcset=\"images/cat.jpg 1x, images/cat@2x.jpg 2x\" alt=\"cat\"></p>";
  cats_en.tags = {"cats"};
  cats_en.published = tokyo_time(3);
  cats_en.local_date = "2025-04-30";
  cats_en.position = 1;
  cats_en.translation_key = "cats";

  storage::Post bytes_en;
  bytes_en.key = "004_d4";
  bytes_en.lang = "en";
  bytes_en.title = "Bad bytes \xC3 and <angle> & ampersand";
  bytes_en.summary = "An author's summary.";
  bytes_en.content_html = "<p>Invalid \xFF\xFE UTF-8 and a form feed \x0C here.</p>";
  bytes_en.published = tokyo_time(1, 21);
  bytes_en.local_date = "2025-04-28";

  Entry cats_ja_entry = make_entry(site, cats_ja, tokyo_time(4, 12));
  Entry control_entry = make_entry(site, control_ja, tokyo_time(2, 9));
  Entry cats_en_entry = make_entry(site, cats_en, tokyo_time(3));
  Entry bytes_entry = make_entry(site, bytes_en, tokyo_time(1, 21));
  cats_ja_entry.translations = {Alternate{"en", cats_en_entry.url, cats_en.title}};
  cats_en_entry.translations = {Alternate{"ja", cats_ja_entry.url, cats_ja.title}};

  sample.feeds.push_back(FeedContent{"ja", {cats_ja_entry, control_entry}});
  sample.feeds.push_back(FeedContent{"en", {cats_en_entry, bytes_entry}});
  sample.feeds.push_back(
      FeedContent{"", {cats_ja_entry, cats_en_entry, control_entry, bytes_entry}});
  return sample;
}

// `count` English entries, one an hour, newest first, each with a relative link.
inline FeedContent many_entries(const SiteOptions& site, int count) {
  FeedContent feed{"en", {}};
  for (int i = count; i > 0; --i) {
    storage::Post post;
    post.key = "bulk_" + std::to_string(i);
    post.lang = "en";
    post.title = "Post number " + std::to_string(i);
    post.content_html = "<p>Body of post " + std::to_string(i) + " with <a href=\"../" +
                        std::to_string(i - 1) + ".html\">a link</a>.</p>";
    post.tags = {"bulk"};
    post.published = tokyo_time(0, i);
    post.local_date = "2025-04-27";
    feed.entries.push_back(make_entry(site, post, post.published));
  }
  return feed;
}

}  // namespace feedd::feeds::testing
