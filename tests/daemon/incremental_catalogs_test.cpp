// The topic and archive catalogs kept between regenerations (feeds/post_catalogs.h) give the
// same bytes as catalogs made from scratch: after each kind of edit (in place, a new newest
// post, an old date that moves every later archive position, tags changed, a language
// changed, a deletion that leaves a tombstone, a scheduled post coming due), every resource,
// topic feed and archive page of the pipeline that followed the edits equals, byte for byte
// and ETag for ETag, that of a fresh pipeline reading the same index.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>
#include <map>

#include "daemon/pipeline/site_pipeline.h"
#include "daemon/pipeline/snapshot_builder.h"
#include "feeds/snapshot.h"
#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(incremental_catalogs_test)

namespace {

using namespace std::chrono_literals;

const std::chrono::sys_seconds kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 0s;
const std::vector<std::string> kTags = {"Tea Time", "茶道", "Rust", "日記", "Travel Notes"};

// Post `n` of `lang` dated `date`, with tags picked by `seed` (-1: `n`).
std::string post(int n, const std::string& lang, const std::string& date,
                 const std::string& extra = "", int seed = -1) {
  const std::size_t t = static_cast<std::size_t>(seed < 0 ? n : seed);
  const std::string tags =
      "[\"" + kTags[t % kTags.size()] + "\", \"" + kTags[(t * 3 + 1) % kTags.size()] + "\"]";
  return "---\ntitle: Post " + std::to_string(n) + "\ndate: " + date + "\nlang: " + lang +
         "\nid: p" + std::to_string(n) + "\ntags: " + tags + "\ncategories: [\"C" +
         std::to_string(n % 3) + "\"]\n---\nText of post " + std::to_string(n) + ". " + extra +
         "\n";
}

// Post `n` as post() makes it, with translation_key `key` and, if given, `title`.
std::string translated(int n, const std::string& lang, const std::string& date,
                       const std::string& key, const std::string& title = "") {
  std::string text = post(n, lang, date);
  const std::string numbered = "title: Post " + std::to_string(n);
  text.replace(text.find(numbered), numbered.size(),
               (title.empty() ? numbered : "title: " + title) + "\ntranslation_key: " + key);
  return text;
}

std::string day(int n) { return "2025-01-" + std::string(n < 10 ? "0" : "") + std::to_string(n); }

// `posts` posts in `dir`/posts, languages alternating, one a day from 2025-01-01, in small
// feeds, archive pages and topic feeds; its configuration.
Config small_site(const testing::TempDir& dir, int posts) {
  for (int n = 0; n < posts; ++n) {
    testing::write_file(dir / ("posts/p" + std::to_string(n) + ".md"),
                        post(n, n % 2 == 0 ? "ja" : "en", day(n + 1)));
  }
  return load_config(
      testing::write_config(dir.path(), dir / "posts", dir / "store.index",
                            "\n[feeds]\nentries = 3\narchive_size = 4\ntopic_entries = 2\n"));
}

// Every byte served (snapshot resources, topic feeds, archive pages), by path, with its ETag.
std::map<std::string, std::string> everything(SitePipeline& pipeline, const Config& config,
                                              std::chrono::sys_seconds now) {
  std::map<std::string, std::string> served;
  auto snapshot = build_snapshot(pipeline, config, now, 1, nullptr);
  for (const auto& [path, resource] : snapshot->resources()) {
    const auto* identity = resource->get(feeds::Coding::identity);
    served[path] = identity->etag + " " + identity->body;
  }
  auto add = [&](feeds::RenderedFeed rendered) {
    served["/" + rendered.path] =
        feeds::make_etag(rendered.body, feeds::Coding::identity) + " " + rendered.body;
  };
  for (const auto& topic : snapshot->topics().topics()) {
    served["topic " + feeds::topic_dir(topic->lang, topic->topic)] =
        topic->digest + " " + std::to_string(topic->posts);
    for (auto format : {feeds::FeedFormat::atom, feeds::FeedFormat::rss, feeds::FeedFormat::json}) {
      add(pipeline.render_topic(*topic, format, now));
    }
  }
  for (const feeds::ArchivePage* page : snapshot->archives().pages()) {
    served["archive " + page->lang + std::to_string(page->number)] = page->digest;
    add(pipeline.render_archive(*page, now));
  }
  return served;
}

void require_same(const std::map<std::string, std::string>& followed,
                  const std::map<std::string, std::string>& fresh, const std::string& step) {
  BOOST_TEST_CONTEXT(step) {
    BOOST_TEST(followed.size() == fresh.size());
    for (const auto& [path, bytes] : fresh) {
      auto it = followed.find(path);
      BOOST_TEST((it != followed.end() && it->second == bytes), path);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(followed_edits_give_the_bytes_of_a_fresh_build) {
  testing::TempDir dir;
  // A scheduled post, due between two steps below.
  testing::write_file(dir / "posts/p90.md", post(90, "en", "2026-01-01T13:00:00Z"));
  auto config = small_site(dir, 24);
  SitePipeline followed(config);
  auto now = kNow;
  followed.scan(now);
  build_snapshot(followed, config, now, 1, nullptr);
  BOOST_TEST(followed.archives()->page_count() > 6u);

  const std::vector<std::pair<std::string, std::function<void()>>> steps = {
      {"an old post edited in place",
       [&] { testing::write_file(dir / "posts/p5.md", post(5, "en", day(6), "Edited.")); }},
      {"a newest post added",
       [&] { testing::write_file(dir / "posts/p30.md", post(30, "ja", "2025-12-01")); }},
      {"an old date: every later position moves",
       [&] { testing::write_file(dir / "posts/p31.md", post(31, "en", "2024-06-01")); }},
      {"tags changed",
       [&] { testing::write_file(dir / "posts/p8.md", post(8, "ja", day(9), "", 12)); }},
      {"language changed",
       [&] { testing::write_file(dir / "posts/p9.md", post(9, "ja", day(10))); }},
      {"two posts made translations",
       [&] {
         testing::write_file(dir / "posts/p10.md", translated(10, "ja", day(11), "pair"));
         testing::write_file(dir / "posts/p13.md", translated(13, "en", day(14), "pair"));
       }},
      {"a translation's title changed",
       [&] {
         testing::write_file(dir / "posts/p13.md",
                             translated(13, "en", day(14), "pair", "Renamed"));
       }},
      {"a translation's key changed",
       [&] { testing::write_file(dir / "posts/p13.md", translated(13, "en", day(14), "other")); }},
      {"a translation deleted",
       [&] {
         testing::write_file(dir / "posts/p13.md", translated(13, "en", day(14), "pair"));
         testing::write_file(dir / "posts/p12.md", translated(12, "ja", day(13), "pair"));
         std::filesystem::remove(dir / "posts/p10.md");
       }},
      {"a post deleted (tombstone)", [&] { std::filesystem::remove(dir / "posts/p4.md"); }},
      {"a scheduled post due", [&] {}},
  };
  for (const auto& [name, edit] : steps) {
    edit();
    now += 2h;
    followed.scan(now);
    auto followed_bytes = everything(followed, config, now);
    SitePipeline fresh(config);
    fresh.scan(now);  // nothing new: the same index
    require_same(followed_bytes, everything(fresh, config, now), name);
  }
  // Only the first render made the catalogs from scratch: the scheduled post that came due
  // was read again like a written one.
  BOOST_TEST(followed.catalogs_from_scratch() == 1u);
}

// A pipeline opened on an index that holds posts reads its catalogs beside its first scan
// (from the index as it was) and has them follow what the scan wrote: the bytes of a
// pipeline that reads them after the scan, whatever the scan changed.
BOOST_AUTO_TEST_CASE(catalogs_read_beside_the_first_scan_follow_it) {
  testing::TempDir dir;
  auto config = small_site(dir, 24);
  {
    SitePipeline first(config);
    first.scan(kNow, SitePipeline::CatalogsBeside::yes);
    build_snapshot(first, config, kNow, 1, nullptr);
    BOOST_TEST(first.catalogs_beside_scans() == 0u);  // a new index: nothing to read beside
  }
  // While no pipeline runs: an edit in place, new tags, a deletion, a new post, an old date.
  testing::write_file(dir / "posts/p5.md", post(5, "en", day(6), "Edited."));
  testing::write_file(dir / "posts/p8.md", post(8, "ja", day(9), "", 12));
  std::filesystem::remove(dir / "posts/p4.md");
  testing::write_file(dir / "posts/p30.md", post(30, "ja", "2025-12-01"));
  testing::write_file(dir / "posts/p31.md", post(31, "en", "2024-06-01"));
  const auto now = kNow + 2h;
  SitePipeline beside(config);
  BOOST_TEST(beside.scan(now, SitePipeline::CatalogsBeside::yes).applied.keys_written.size() == 5u);
  auto beside_bytes = everything(beside, config, now);
  BOOST_TEST(beside.catalogs_beside_scans() == 1u);
  BOOST_TEST(beside.catalogs_from_scratch() == 1u);  // the one beside the scan, then followed
  SitePipeline after(config);
  BOOST_TEST(!after.scan(now).applied.wrote());
  auto after_bytes = everything(after, config, now);
  BOOST_TEST(after.catalogs_beside_scans() == 0u);  // not asked for: read by render()
  require_same(beside_bytes, after_bytes, "catalogs read beside the scan");
}

// Catalogs handed over at exit (`feedd build`) leave a pipeline that still works: nothing
// listed until the next render(), which makes them from scratch, with what was written
// meanwhile.
BOOST_AUTO_TEST_CASE(abandoned_catalogs_are_made_again) {
  testing::TempDir dir;
  auto config = small_site(dir, 24);
  SitePipeline pipeline(config);
  pipeline.scan(kNow);
  build_snapshot(pipeline, config, kNow, 1, nullptr);
  BOOST_TEST(pipeline.archives()->page_count() > 6u);
  pipeline.abandon_catalogs();
  BOOST_TEST(pipeline.archives()->page_count() == 0u);
  BOOST_TEST(pipeline.topics()->topics().empty());
  testing::write_file(dir / "posts/p5.md", post(5, "en", day(6), "Edited."));
  testing::write_file(dir / "posts/p30.md", post(30, "ja", "2025-12-01"));
  const auto now = kNow + 2h;
  BOOST_TEST(pipeline.scan(now).applied.keys_written.size() == 2u);
  auto again = everything(pipeline, config, now);
  BOOST_TEST(pipeline.catalogs_from_scratch() == 2u);
  SitePipeline fresh(config);
  fresh.scan(now);
  require_same(again, everything(fresh, config, now), "catalogs made again");
}

// Each topic feed's and archive page's digest, with the bytes rendered for it then.
std::map<std::string, std::pair<std::string, std::string>> digested(SitePipeline& pipeline,
                                                                    const Config& config,
                                                                    std::chrono::sys_seconds now) {
  std::map<std::string, std::pair<std::string, std::string>> rendered;
  auto snapshot = build_snapshot(pipeline, config, now, 1, nullptr);
  for (const auto& topic : snapshot->topics().topics()) {
    auto& [digest, bytes] = rendered["topic " + feeds::topic_dir(topic->lang, topic->topic)];
    digest = topic->digest;
    for (auto format : {feeds::FeedFormat::atom, feeds::FeedFormat::rss, feeds::FeedFormat::json}) {
      bytes += pipeline.render_topic(*topic, format, now).body;
    }
  }
  for (const feeds::ArchivePage* page : snapshot->archives().pages()) {
    rendered["archive " + page->lang + std::to_string(page->number)] = {
        page->digest, pipeline.render_archive(*page, now).body};
  }
  return rendered;
}

// A digest stands for the bytes rendered from it (a build keeps a file whose digest is
// current, a server its cached bytes): two visible edits of a post within one second (an
// editor saving twice) give its topic feeds and archive page new digests each time, though
// its updated time, in whole seconds, stays the same.
BOOST_AUTO_TEST_CASE(edits_within_one_second_change_the_digests) {
  testing::TempDir dir;
  auto config = small_site(dir, 12);
  SitePipeline pipeline(config);
  pipeline.scan(kNow);
  const auto edited = kNow + 1h;
  testing::write_file(dir / "posts/p1.md", post(1, "en", day(2), "First fix."));
  pipeline.scan(edited);
  auto before = digested(pipeline, config, edited);
  testing::write_file(dir / "posts/p1.md", post(1, "en", day(2), "Second fix."));
  pipeline.scan(edited);  // the same second
  auto after = digested(pipeline, config, edited);
  std::size_t changed = 0;
  for (const auto& [name, was] : before) {
    const auto& now = after.at(name);
    changed += now.second != was.second ? 1 : 0;
    BOOST_TEST((now.first != was.first || now.second == was.second),
               name << ": other bytes under the same digest");
  }
  BOOST_TEST(changed >= 2u);  // the archive page and a topic feed at least
}

// An entry shows its translations' languages, links and titles: when a translation changes,
// the topic feeds and archive pages of the post it translates (other pages, other feeds)
// get new digests too, for posts paired by translation_key and for page-text posts paired
// within their day (also when only the navigation lines that pair them change).
BOOST_AUTO_TEST_CASE(a_translation_edited_changes_its_partners_digests) {
  testing::TempDir dir;
  auto config = small_site(dir, 12);
  testing::write_file(dir / "posts/p0.md", translated(0, "ja", day(1), "pair"));
  testing::write_file(dir / "posts/p1.md", translated(1, "en", day(2), "pair"));
  // A Japanese page and its English translation, on 2025-04-30.
  for (const char* name : {"001_a1b2c3.txt", "002_d4e5f6.txt"}) {
    std::filesystem::copy_file(std::filesystem::path(FEEDD_SOURCE_DIR "/etc/posts/2025") / name,
                               dir / "posts" / name);
  }
  const std::string english_page = testing::read_file(dir / "posts/002_d4e5f6.txt");
  const std::string english_title = "[Eng] A Walk Along the River\n\nBetween";
  BOOST_TEST_REQUIRE(english_page.find(english_title) != std::string::npos);
  std::string renamed_page = english_page;
  renamed_page.replace(renamed_page.find(english_title), english_title.size(),
                       "[Eng] A Long Walk by the River\n\nBetween");

  // Two pairs on 2025-06-01, paired by their navigation lines (each first page and the page
  // after it name each other). When the first two name other pages instead, the first
  // Japanese page pairs with the second English one and the first English page with the
  // second Japanese one, with no visible change to any page.
  const auto page = [&dir](const std::string& file, const std::string& navigation,
                           const std::string& title, const std::string& text) {
    testing::write_file(dir / "posts" / file,
                        navigation + "\n\n2025.06.01\n\n" + title + "\n\n" + text + "\n");
  };
  page("010_j1.txt", "Top page | [Eng] River walk »", "川の散歩", "川沿いを歩きました。");
  page("011_e1.txt", "« 川の散歩 | Top page | 山の散歩 »", "[Eng] River walk",
       "We walked by the river.");
  page("012_j2.txt", "« [Eng] River walk | Top page | [Eng] Mountain walk »", "山の散歩",
       "山道を歩きました。");
  page("013_e2.txt", "« 山の散歩 | Top page", "[Eng] Mountain walk", "We walked in the hills.");

  const std::vector<std::pair<std::string, std::function<void()>>> edits = {
      {"by translation_key",
       [&] {
         testing::write_file(dir / "posts/p1.md", translated(1, "en", day(2), "pair", "Renamed"));
       }},
      {"page text", [&] { testing::write_file(dir / "posts/002_d4e5f6.txt", renamed_page); }},
      {"page-text navigation lines only",
       [&] {
         page("010_j1.txt", "Top page | [Eng] Mountain walk »", "川の散歩", "川沿いを歩きました。");
         page("011_e1.txt", "« 山の散歩 | Top page | 山の散歩 »", "[Eng] River walk",
              "We walked by the river.");
       }},
  };
  SitePipeline pipeline(config);
  auto now = kNow;
  pipeline.scan(now);
  for (const auto& [name, edit] : edits) {
    BOOST_TEST_CONTEXT(name) {
      auto before = digested(pipeline, config, now);
      edit();
      now += 1h;
      BOOST_TEST(!pipeline.scan(now).applied.keys_written.empty());
      auto after = digested(pipeline, config, now);
      std::size_t japanese_changed = 0;  // the translated post's pages
      for (const auto& [resource, was] : before) {
        const auto& is = after.at(resource);
        BOOST_TEST((is.first != was.first || is.second == was.second),
                   resource << ": other bytes under the same digest");
        japanese_changed += resource.starts_with("archive ja") && is.second != was.second;
      }
      BOOST_TEST(japanese_changed >= 1u);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
