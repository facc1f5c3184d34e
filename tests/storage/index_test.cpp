// The SQLite index: stable ids, updated times that move only on visible changes, deletion
// marks, last good versions kept for broken files, and persistence across reopening.
#include "storage/index/index.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <tuple>

#include "storage/index/translation_pairing.h"
#include "storage/index/updated_time.h"
#include "tests/support/index_fixtures.h"
#include "tests/support/test_support.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(index_test)

namespace {

using namespace std::chrono_literals;
using std::chrono::sys_seconds;

using testing::apply_reads;
const sys_seconds kT0 = testing::kIndexT0;

Post make_post(std::string key, std::string path, std::string title, std::string lang = "ja") {
  return testing::index_post(std::move(key), std::move(path), std::move(title), std::move(lang));
}

FileRead read_of(std::string path, std::vector<Post> posts, std::string sha = "x",
                 std::vector<Problem> problems = {}) {
  return testing::file_read(std::move(path), std::move(posts), std::move(sha), std::move(problems));
}

// One page of a day's page-text chain: its navigation lines name its neighbours as shown.
struct ChainPage {
  const char* key;
  const char* lang;
  const char* title;
  const char* shown;  // as neighbours' navigation lines show it
};

// The reads of `pages` as one day's chain in page order, positions from `first_position`.
template <std::size_t N>
std::vector<FileRead> chain_reads(const ChainPage (&pages)[N], int first_position) {
  std::vector<FileRead> reads;
  for (std::size_t i = 0; i < N; ++i) {
    auto path = std::string(pages[i].key) + ".txt";
    auto post = make_post(pages[i].key, path, pages[i].title, pages[i].lang);
    post.format = SourceFormat::page_text;
    post.position = first_position + static_cast<int>(i);
    post.previous_title = i > 0 ? pages[i - 1].shown : "前の日の記事";
    post.next_title = i + 1 < N ? pages[i + 1].shown : "次の日の記事";
    reads.push_back(read_of(path, {post}));
  }
  return reads;
}

// Every published post's translations as sorted "post -> translation" lines.
std::vector<std::string> translation_pairs(Index& index) {
  std::vector<std::string> pairs;
  for (const auto& post : index.newest("", kT0, 10)) {
    auto translations = index.translations_of(post, kT0);
    BOOST_TEST_INFO("post " << post.post.key);
    BOOST_REQUIRE_LE(translations.size(), 1u);
    for (const auto& translation : translations) {
      pairs.push_back(post.post.key + " -> " + translation.post.key);
    }
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace

BOOST_AUTO_TEST_CASE(new_post_gets_tag_id_and_its_own_date_as_updated) {
  Index index(":memory:", "https://Blog.Example.org/");
  auto result = apply_reads(index, {read_of("a.txt", {make_post("001_a", "a.txt", "A")})}, kT0);
  BOOST_TEST(result.added == 1);
  auto posts = index.newest("", kT0, 10);
  BOOST_REQUIRE_EQUAL(posts.size(), 1u);
  BOOST_TEST(posts[0].entry_id == "tag:blog.example.org,2025-04-29:001_a");
  BOOST_TEST((posts[0].updated == kT0 - 24h));
  BOOST_TEST((posts[0].first_seen == kT0));
}

BOOST_AUTO_TEST_CASE(invisible_change_keeps_updated_visible_change_moves_it) {
  Index index(":memory:", "https://blog.example.org/");
  apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "A")})}, kT0);
  // Same visible content from a renamed file: no change in updated, no "changed" count.
  auto moved =
      apply_reads(index, {read_of("b.txt", {make_post("k", "b.txt", "A")})}, kT0 + 1h, {"a.txt"});
  BOOST_TEST(moved.changed == 0);
  BOOST_TEST(moved.deleted == 0);
  auto posts = index.newest("", kT0 + 1h, 10);
  BOOST_REQUIRE_EQUAL(posts.size(), 1u);
  BOOST_TEST((posts[0].updated == kT0 - 24h));
  BOOST_TEST(posts[0].post.source_path == "b.txt");
  // Title edited: updated becomes the time the change was seen; the id stays.
  auto edited =
      apply_reads(index, {read_of("b.txt", {make_post("k", "b.txt", "A2")}, "y")}, kT0 + 2h);
  BOOST_TEST(edited.changed == 1);
  posts = index.newest("", kT0 + 2h, 10);
  BOOST_TEST((posts[0].updated == kT0 + 2h));
  BOOST_TEST(posts[0].entry_id == "tag:blog.example.org,2025-04-29:k");
}

// Feed readers that key on <updated> must see every visible change, also a second one within
// the same second; the lead over the clock stays bounded.
BOOST_AUTO_TEST_CASE(visible_changes_within_one_second_still_move_updated) {
  Index index(":memory:", "https://blog.example.org/");
  apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "A")})}, kT0);
  const auto updated_after = [&](const char* title, const char* hash, sys_seconds now) {
    apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", title)}, hash)}, now);
    return index.newest("", now, 10).at(0).updated;
  };
  BOOST_TEST((updated_after("B", "b", kT0) == kT0));
  BOOST_TEST((updated_after("C", "c", kT0) == kT0 + 1s));
  BOOST_TEST((updated_after("D", "d", kT0) == kT0 + 2s));
  // Invisible: unchanged.
  BOOST_TEST((updated_after("D", "d2", kT0) == kT0 + 2s));
  // The clock catches up: the time seen again.
  BOOST_TEST((updated_after("E", "e", kT0 + 1h) == kT0 + 1h));
  // Never more than kUpdatedMaxLead ahead, and never back: at the bound, changes keep it.
  for (int i = 0; i < 20; ++i) {
    updated_after(i % 2 == 0 ? "F" : "G", i % 2 == 0 ? "f" : "g", kT0 + 2h);
  }
  BOOST_TEST((index.newest("", kT0 + 2h, 10).at(0).updated == kT0 + 2h + kUpdatedMaxLead));
  // A scheduled post edited before its date keeps its date (readers have not seen it),
  // also when that date is within the lead.
  for (const auto ahead : {std::chrono::seconds(72h), std::chrono::seconds(5s)}) {
    auto future = make_post("s" + std::to_string(ahead.count()), "s.txt", "S");
    future.published = kT0 + ahead;
    apply_reads(index, {read_of("s.txt", {future})}, kT0);
    future.title = "S2";
    apply_reads(index, {read_of("s.txt", {future}, "s2")}, kT0);
    future.title = "S3";
    apply_reads(index, {read_of("s.txt", {future}, "s3")}, kT0);
    BOOST_TEST_INFO("scheduled " << ahead.count() << " s ahead");
    BOOST_TEST((index.newest("", kT0 + ahead, 1).at(0).updated == kT0 + ahead));
  }
}

BOOST_AUTO_TEST_CASE(unchanged_batch_writes_nothing) {
  Index index(":memory:", "https://blog.example.org/");
  apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "A")})}, kT0);
  auto again = apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "A")})}, kT0 + 1h);
  BOOST_TEST(!again.wrote());
}

BOOST_AUTO_TEST_CASE(removed_file_marks_posts_deleted_and_restoring_keeps_first_seen) {
  Index index(":memory:", "https://blog.example.org/");
  apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "A")})}, kT0);
  auto removed = apply_reads(index, {}, kT0 + 1h, {"a.txt"});
  BOOST_TEST(removed.deleted == 1);
  BOOST_TEST(index.newest("", kT0 + 1h, 10).empty());
  auto restored = apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "A")})}, kT0 + 2h);
  BOOST_TEST(restored.added == 1);
  auto posts = index.newest("", kT0 + 2h, 10);
  BOOST_REQUIRE_EQUAL(posts.size(), 1u);
  BOOST_TEST((posts[0].first_seen == kT0));
  BOOST_TEST((posts[0].updated == kT0 - 24h));
}

BOOST_AUTO_TEST_CASE(broken_file_keeps_last_good_version) {
  Index index(":memory:", "https://blog.example.org/");
  apply_reads(index,
              {read_of("a.mt", {make_post("one", "a.mt", "One"), make_post("two", "a.mt", "Two")})},
              kT0);
  // Now the file yields only "one" and a problem: "two" must stay as it was.
  auto broken = apply_reads(
      index, {read_of("a.mt", {make_post("one", "a.mt", "One")}, "y", {{"a.mt", 9, "bad DATE"}})},
      kT0 + 1h);
  BOOST_TEST(broken.deleted == 0);
  BOOST_TEST(index.newest("", kT0 + 1h, 10).size() == 2u);
  auto problems = index.problems();
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].to_string() == "a.mt:9: bad DATE");
  // Fixed without "two": now it is deleted, and the problem is gone.
  apply_reads(index, {read_of("a.mt", {make_post("one", "a.mt", "One")}, "z")}, kT0 + 2h);
  BOOST_TEST(index.newest("", kT0 + 2h, 10).size() == 1u);
  BOOST_TEST(index.problems().empty());
}

BOOST_AUTO_TEST_CASE(duplicate_key_in_another_file_is_a_problem_not_a_takeover) {
  Index index(":memory:", "https://blog.example.org/");
  apply_reads(index, {read_of("a.md", {make_post("same", "a.md", "First")})}, kT0);
  auto result = apply_reads(index, {read_of("b.md", {make_post("same", "b.md", "Second")})}, kT0);
  BOOST_REQUIRE_EQUAL(result.problems.size(), 1u);
  BOOST_TEST(result.problems[0].path == "b.md");
  auto posts = index.newest("", kT0, 10);
  BOOST_REQUIRE_EQUAL(posts.size(), 1u);
  BOOST_TEST(posts[0].post.title == "First");
}

// A first scan (no post row yet) inserts without looking each key up first, and still
// finds the duplicates among its own files: in another file and twice in one file.
BOOST_AUTO_TEST_CASE(a_first_scan_still_finds_duplicate_keys) {
  Index index(":memory:", "https://blog.example.org/");
  auto result = apply_reads(
      index,
      {read_of("a.md", {make_post("same", "a.md", "First")}),
       read_of("b.md", {make_post("same", "b.md", "Second")}),
       read_of("c.md", {make_post("twice", "c.md", "One"), make_post("twice", "c.md", "Two")})},
      kT0);
  BOOST_TEST(result.added == 2);
  BOOST_REQUIRE_EQUAL(result.problems.size(), 2u);
  BOOST_TEST(result.problems[0].path == "b.md");
  BOOST_TEST(result.problems[1].path == "c.md");
  auto posts = index.newest("", kT0, 10);
  BOOST_REQUIRE_EQUAL(posts.size(), 2u);
  for (const auto& post : posts) {
    BOOST_TEST((post.post.title == "First" || post.post.title == "One"), post.post.title);
  }
  // The next scan looks keys up again: b.md still cannot take "same".
  result = apply_reads(index, {read_of("b.md", {make_post("same", "b.md", "Again")}, "y")}, kT0);
  BOOST_REQUIRE_EQUAL(result.problems.size(), 1u);
  BOOST_TEST(index.newest("", kT0, 10).size() == 2u);
}

// A scan reads its first files before it writes: another connection committing meanwhile
// (`feedd build` beside `feedd serve`) must not fail the scan's first write, as it would if
// the scan had begun its read snapshot at its start (SQLITE_BUSY_SNAPSHOT is not waited out).
BOOST_AUTO_TEST_CASE(a_scan_writes_after_another_connection_committed_meanwhile) {
  testing::TempDir dir;
  Index first(dir / "index.sqlite", "https://blog.example.org/");
  Index second(dir / "index.sqlite", "https://blog.example.org/");
  auto writer = first.begin_scan(kT0, {"a.md"});
  apply_reads(second, {read_of("b.md", {make_post("b", "b.md", "B")})}, kT0);
  writer.add({read_of("a.md", {make_post("a", "a.md", "A")})});
  BOOST_TEST(writer.commit().added == 1);
  BOOST_TEST(first.newest("", kT0, 10).size() == 2u);
}

// A query that reads one row (file_state, a post's owner, a count) used to leave its cached
// statement stepped: its read transaction stayed open on the snapshot of that moment, so once
// another connection (`feedd build` beside `feedd serve`) committed, every later write of this
// connection failed with "database is locked" (SQLite's BUSY_SNAPSHOT), forever.
BOOST_AUTO_TEST_CASE(a_one_row_read_holds_no_snapshot_against_later_writes) {
  testing::TempDir dir;
  Index serving(dir / "index.sqlite", "https://blog.example.org/");
  Index building(dir / "index.sqlite", "https://blog.example.org/");
  apply_reads(serving, {read_of("a.md", {make_post("a", "a.md", "A")})}, kT0);
  BOOST_REQUIRE(serving.file_state("a.md").has_value());
  BOOST_TEST(serving.count_published("", kT0) == 1);
  apply_reads(building, {read_of("b.md", {make_post("b", "b.md", "B")})}, kT0);

  const auto result =
      apply_reads(serving, {read_of("a.md", {make_post("a", "a.md", "A, edited")}, "y")}, kT0);
  BOOST_TEST(result.changed == 1);
  BOOST_TEST(serving.newest("", kT0, 10).size() == 2u);  // and it sees the other's post
}

BOOST_AUTO_TEST_CASE(future_and_draft_posts_are_not_published_until_their_time) {
  Index index(":memory:", "https://blog.example.org/");
  auto future = make_post("future", "f.md", "Later");
  future.published = kT0 + 3h;
  auto draft = make_post("draft", "d.md", "Draft");
  draft.draft = true;
  apply_reads(index, {read_of("f.md", {future}), read_of("d.md", {draft})}, kT0);
  BOOST_TEST(index.newest("", kT0, 10).empty());
  BOOST_TEST((index.next_publication_after(kT0) == kT0 + 3h));
  BOOST_TEST(index.newest("", kT0 + 3h, 10).size() == 1u);
}

BOOST_AUTO_TEST_CASE(languages_and_order) {
  Index index(":memory:", "https://blog.example.org/");
  auto older = make_post("old", "o.md", "Old", "en");
  older.published = kT0 - 48h;
  apply_reads(index,
              {read_of("o.md", {older}), read_of("n.md", {make_post("new", "n.md", "New", "en")}),
               read_of("j.md", {make_post("ja", "j.md", "日本語")})},
              kT0);
  auto en = index.newest("en", kT0, 10);
  BOOST_REQUIRE_EQUAL(en.size(), 2u);
  BOOST_TEST(en[0].post.key == "new");
  BOOST_TEST(en[1].post.key == "old");
  BOOST_TEST(index.newest("", kT0, 2).size() == 2u);
}

BOOST_AUTO_TEST_CASE(translations_by_key_and_by_page_text_neighbours) {
  Index index(":memory:", "https://blog.example.org/");
  auto ja = make_post("j", "j.md", "記事");
  ja.translation_key = "t1";
  auto en = make_post("e", "e.md", "Article", "en");
  en.translation_key = "t1";
  auto pja = make_post("001", "001.txt", "ページ");
  pja.format = SourceFormat::page_text;
  pja.next_title = "[Eng] Page";
  auto pen = make_post("002", "002.txt", "Page", "en");
  pen.format = SourceFormat::page_text;
  pen.previous_title = "ページ";
  apply_reads(index,
              {read_of("j.md", {ja}), read_of("e.md", {en}), read_of("001.txt", {pja}),
               read_of("002.txt", {pen})},
              kT0);
  for (const auto& post : index.newest("", kT0, 10)) {
    auto translations = index.translations_of(post, kT0);
    BOOST_REQUIRE_EQUAL(translations.size(), 1u);
    BOOST_TEST(translations[0].post.lang != post.post.lang);
  }
}

// A translation found by its key carries what shows it (language, title) and what its
// permalink is made of (feeds::permalink: url, slug, key, published, language), as stored.
BOOST_AUTO_TEST_CASE(a_translation_carries_what_its_link_is_made_of) {
  Index index(":memory:", "https://blog.example.org/");
  auto ja = make_post("j", "j.md", "記事");
  ja.translation_key = "t1";
  auto en = make_post("e", "e.md", "Article", "en");
  en.translation_key = "t1";
  en.url = "/en/elsewhere.html";
  en.slug = "an-article";
  en.published = kT0 - std::chrono::hours(5);
  apply_reads(index, {read_of("j.md", {ja}), read_of("e.md", {en})}, kT0);
  const auto posts = index.newest("ja", kT0, 10);
  BOOST_TEST_REQUIRE(posts.size() == 1u);
  for (const auto& translations :
       {index.translations_of(posts[0], kT0), index.translations_of(posts, kT0).front()}) {
    BOOST_TEST_REQUIRE(translations.size() == 1u);
    const Post& got = translations[0].post;
    BOOST_TEST(got.key == "e");
    BOOST_TEST(got.lang == "en");
    BOOST_TEST(got.title == "Article");
    BOOST_TEST(got.url == en.url);
    BOOST_TEST(got.slug == en.slug);
    BOOST_TEST((got.published == en.published));
  }
}

// A translation_key shared by many posts (a key reused across a series, an import that gave
// every post the same one) links each post to one post of each other language, the first
// by key, not to every post of the series: alone and read together alike.
BOOST_AUTO_TEST_CASE(a_key_shared_by_many_gives_one_translation_per_language) {
  Index index(":memory:", "https://blog.example.org/");
  std::vector<FileRead> reads;
  for (int i = 0; i < 200; ++i) {
    const auto key = "s" + std::to_string(1000 + i);
    auto post = make_post(key, key + ".md", key, i % 4 == 3 ? "ja" : "en");
    post.translation_key = "series";
    reads.push_back(read_of(key + ".md", {post}));
  }
  auto french = make_post("s9999", "s9999.md", "Série", "fr");
  french.translation_key = "series";
  reads.push_back(read_of("s9999.md", {french}));
  apply_reads(index, reads, kT0);
  const auto posts = index.newest("", kT0, -1);
  BOOST_TEST_REQUIRE(posts.size() == 201u);
  const auto together = index.translations_of(posts, kT0);
  for (std::size_t i = 0; i < posts.size(); ++i) {
    BOOST_TEST_INFO("post " << posts[i].post.key << " (" << posts[i].post.lang << ")");
    std::vector<std::string> expected;
    for (const auto& [lang, first] : {std::pair{"en", "s1000"}, {"fr", "s9999"}, {"ja", "s1003"}}) {
      if (posts[i].post.lang != lang) {
        expected.push_back(first);
      }
    }
    for (const auto& translations : {together[i], index.translations_of(posts[i], kT0)}) {
      std::vector<std::string> keys;
      for (const auto& translation : translations) {
        keys.push_back(translation.post.key);
      }
      BOOST_TEST(keys == expected, boost::test_tools::per_element());
    }
  }
}

// Translations read for many posts at once (an archive page, a topic feed): 150 keyed pairs
// (more keys than one statement binds), a day of page-text pages and a post with none; each
// post gets what translations_of() of it alone gives.
BOOST_AUTO_TEST_CASE(translations_read_together_match_each_alone) {
  Index index(":memory:", "https://blog.example.org/");
  std::vector<FileRead> reads;
  for (int i = 0; i < 150; ++i) {
    for (const char* lang : {"ja", "en"}) {
      const auto key = "k" + std::to_string(i) + lang;
      auto post = make_post(key, key + ".md", key, lang);
      post.translation_key = "t" + std::to_string(i);
      reads.push_back(read_of(key + ".md", {post}));
    }
  }
  auto lone = make_post("lone", "lone.md", "Alone", "en");
  lone.translation_key = "t-lone";
  reads.push_back(read_of("lone.md", {lone}));
  reads.push_back(read_of("none.md", {make_post("none", "none.md", "None")}));
  const ChainPage pages[] = {{"0000101_a", "ja", "朝の散歩", "朝の散歩"},
                             {"0000102_b", "en", "Morning Walk", "[Eng] Morning Walk"},
                             {"0000103_c", "ja", "夜の読書", "夜の読書"},
                             {"0000104_d", "en", "Night Reading", "[Eng] Night Reading"}};
  for (auto& read : chain_reads(pages, 101)) {
    reads.push_back(std::move(read));
  }
  apply_reads(index, reads, kT0);

  const auto posts = index.newest("", kT0, -1);
  BOOST_TEST_REQUIRE(posts.size() == 306u);
  const auto together = index.translations_of(posts, kT0);
  BOOST_TEST_REQUIRE(together.size() == posts.size());
  std::size_t paired = 0;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const auto alone = index.translations_of(posts[i], kT0);
    BOOST_TEST_INFO("post " << posts[i].post.key);
    BOOST_TEST_REQUIRE(together[i].size() == alone.size());
    for (std::size_t t = 0; t < alone.size(); ++t) {
      BOOST_TEST(together[i][t].post.key == alone[t].post.key);
      BOOST_TEST(together[i][t].post.lang != posts[i].post.lang);
    }
    paired += together[i].size();
  }
  BOOST_TEST(paired == 304u);  // every post but "lone" and "none" has its one translation
  BOOST_TEST(index.translations_of(std::span<const IndexedPost>(), kT0).empty());
}

// posts_by_keys answers in the order asked for, more keys than one statement binds: a key
// asked twice comes twice, a key of no post or of a deleted one not at all.
BOOST_AUTO_TEST_CASE(posts_by_keys_keep_the_order_asked_for) {
  Index index(":memory:", "https://blog.example.org/");
  std::vector<FileRead> reads;
  for (int i = 0; i < 300; ++i) {
    const auto key = "p" + std::to_string(i);
    reads.push_back(read_of(key + ".md", {make_post(key, key + ".md", key)}));
  }
  apply_reads(index, reads, kT0);
  apply_reads(index, {}, kT0 + 1h, {"p7.md"});
  std::vector<std::string> keys;
  for (int i = 299; i >= 0; --i) {
    keys.push_back("p" + std::to_string(i));
  }
  keys.insert(keys.begin() + 10, "missing");
  keys.push_back("p250");
  const auto posts = index.posts_by_keys(keys);
  std::vector<std::string> got;
  for (const auto& post : posts) {
    got.push_back(post.post.key);
    BOOST_TEST(post.post.content_html == "<p>" + post.post.key + "</p>");
  }
  std::vector<std::string> expected;
  for (const auto& key : keys) {
    if (key != "missing" && key != "p7") {
      expected.push_back(key);
    }
  }
  BOOST_TEST(got == expected, boost::test_tools::per_element());
  BOOST_TEST(index.posts_by_keys({}).empty());
}

// The blog's day with two bilingual articles: ja1, en1, ja2, en2, each page's navigation lines
// naming its neighbours. The middle pages link a post of the other language on both sides;
// pairing the day as a whole still finds ja1-en1 and ja2-en2, both ways round.
BOOST_AUTO_TEST_CASE(two_bilingual_pairs_on_one_day_pair_in_order) {
  Index index(":memory:", "https://blog.example.org/");
  const ChainPage pages[] = {{"0000101_a", "ja", "朝の散歩", "朝の散歩"},
                             {"0000102_b", "en", "Morning Walk", "[Eng] Morning Walk"},
                             {"0000103_c", "ja", "夜の読書", "夜の読書"},
                             {"0000104_d", "en", "Night Reading", "[Eng] Night Reading"}};
  auto reads = chain_reads(pages, 101);
  // A third English page that day whose neighbours are elsewhere: nobody's translation.
  auto stray = make_post("0000105_e", "0000105_e.txt", "Stray", "en");
  stray.format = SourceFormat::page_text;
  stray.position = 105;
  reads.push_back(read_of("0000105_e.txt", {stray}));
  apply_reads(index, reads, kT0);

  const std::vector<std::string> expected = {"0000101_a -> 0000102_b", "0000102_b -> 0000101_a",
                                             "0000103_c -> 0000104_d", "0000104_d -> 0000103_c"};
  BOOST_TEST(translation_pairs(index) == expected, boost::test_tools::per_element());
}

// Left-over pages are not paired with each other: ja0 and en2 sit in the day's chain (their
// navigation lines name its pages) with no neighbour of the other language left for them.
// Pages whose lines name no page of the day (here: none at all) still pair when each is the
// only one of its language.
BOOST_AUTO_TEST_CASE(left_over_pages_of_a_day_stay_unpaired) {
  Index index(":memory:", "https://blog.example.org/");
  const ChainPage chain[] = {{"0000201_a", "ja", "独り言", "独り言"},
                             {"0000202_b", "ja", "朝の散歩", "朝の散歩"},
                             {"0000203_c", "en", "Morning Walk", "Morning Walk"},
                             {"0000204_d", "en", "Only in English", "Only in English"}};
  auto reads = chain_reads(chain, 201);
  auto bare_ja = make_post("0000300_x", "0000300_x.txt", "ナビなし");
  auto bare_en = make_post("0000301_y", "0000301_y.txt", "No navigation", "en");
  for (auto* bare : {&bare_ja, &bare_en}) {
    bare->format = SourceFormat::page_text;
    bare->local_date = "2025-04-28";
    bare->published -= 24h;
    reads.push_back(read_of(bare->source_path, {*bare}));
  }
  apply_reads(index, reads, kT0);

  const std::vector<std::string> expected = {"0000202_b -> 0000203_c", "0000203_c -> 0000202_b",
                                             "0000300_x -> 0000301_y", "0000301_y -> 0000300_x"};
  BOOST_TEST(translation_pairs(index) == expected, boost::test_tools::per_element());
}

// A day of more pages than kMaxPagesPaired is not paired (each page would pair the whole day
// again): the pages are served without translations, in bounded time.
BOOST_AUTO_TEST_CASE(a_day_of_too_many_pages_is_not_paired) {
  Index index(":memory:", "https://blog.example.org/");
  std::vector<FileRead> reads;
  for (std::size_t i = 0; i <= kMaxPagesPaired; ++i) {
    auto key = "p" + std::to_string(1000 + i);
    auto post = make_post(key, key + ".txt", "Page " + std::to_string(i), i % 2 ? "en" : "ja");
    post.format = SourceFormat::page_text;
    post.position = static_cast<int>(1000 + i);
    // A chain of ja/en neighbours: without the bound every pair would be found.
    post.previous_title = "Page " + std::to_string(i - 1);
    post.next_title = "Page " + std::to_string(i + 1);
    reads.push_back(read_of(key + ".txt", {post}));
  }
  apply_reads(index, reads, kT0);
  BOOST_TEST(translation_pairs(index).empty());
  // Below the bound the same pages pair (here the first two).
  Index small(":memory:", "https://blog.example.org/");
  reads.resize(2);
  apply_reads(small, reads, kT0);
  BOOST_TEST(translation_pairs(small).size() == 2u);
}

BOOST_AUTO_TEST_CASE(newest_pages_list_newest_in_order_without_bodies) {
  Index index(":memory:", "https://blog.example.org/");
  std::vector<FileRead> reads;
  // Ten files of four posts each, three publication times shared among them: the order of
  // newest() falls back to the file's path and the post's position, and a page boundary
  // falls inside runs of equal times. One draft and one future post are not listed.
  for (int file = 0; file < 10; ++file) {
    const std::string path = "f" + std::to_string(file) + ".txt";
    std::vector<Post> posts;
    for (int position = 0; position < 4; ++position) {
      const std::string key = "k" + std::to_string(file) + "-" + std::to_string(position);
      auto post = make_post(key, path, "T " + key, (file + position) % 2 == 0 ? "ja" : "en");
      post.position = position;
      post.published = kT0 - std::chrono::hours(24 * ((file * 4 + position) % 3 + 1));
      post.draft = file == 3 && position == 1;
      if (file == 5 && position == 2) {
        post.published = kT0 + 24h;
      }
      posts.push_back(post);
    }
    reads.push_back(read_of(path, posts));
  }
  apply_reads(index, reads, kT0);
  // Two live posts in one place: f9.txt, read again with problems, now yields only its last
  // post at position 0; the others keep their last good version (k9-0 is at position 0 too).
  auto moved = make_post("k9-3", "f9.txt", "T k9-3", "ja");
  moved.published = kT0 - std::chrono::hours(24 * ((9 * 4 + 0) % 3 + 1));
  apply_reads(index, {read_of("f9.txt", {moved}, "changed", {{"f9.txt", 9, "bad entry"}})}, kT0);
  for (const std::string lang : {"", "en"}) {
    // newest()'s order, its ties (same time, file and position) broken by key descending.
    auto all = index.newest(lang, kT0, -1);
    std::stable_sort(all.begin(), all.end(), [](const IndexedPost& a, const IndexedPost& b) {
      return std::tie(b.post.published, b.post.source_path, b.post.position, b.post.key) <
             std::tie(a.post.published, a.post.source_path, a.post.position, a.post.key);
    });
    std::vector<std::string> expected;
    for (const auto& post : all) {
      expected.push_back(post.post.key);
    }
    BOOST_TEST(expected.size() == (lang.empty() ? 38u : 19u));
    for (const int size : {1, 3, 4, 7, 100}) {
      std::vector<std::string> paged;
      std::vector<IndexedPost> page;
      do {  // bounded: a page that repeated its predecessor would otherwise loop forever
        page = index.newest_page(lang, kT0, size, page.empty() ? nullptr : &page.back());
        for (const auto& post : page) {
          BOOST_TEST(post.post.content_html.empty());
          paged.push_back(post.post.key);
        }
      } while (static_cast<int>(page.size()) == size && paged.size() <= expected.size());
      BOOST_TEST_INFO("lang \"" << lang << "\", pages of " << size);
      BOOST_TEST(paged == expected, boost::test_tools::per_element());
    }
  }
}

// A listing read in pages under a read snapshot sees one state: a post that another
// connection moves to the front (or adds) between two pages is neither repeated nor skipped.
BOOST_AUTO_TEST_CASE(pages_under_a_read_snapshot_see_one_state) {
  testing::TempDir dir;
  Index reader(dir / "index.sqlite", "https://blog.example.org/");
  Index writer(dir / "index.sqlite", "https://blog.example.org/");
  auto post_at = [](int i, int hours_ago) {
    const std::string key = "p" + std::to_string(i);
    auto post = make_post(key, key + ".md", "T" + std::to_string(i));
    post.published = kT0 - std::chrono::hours(hours_ago);
    return read_of(key + ".md", {post}, "v" + std::to_string(hours_ago));
  };
  std::vector<FileRead> reads;
  for (int i = 0; i < 10; ++i) {
    reads.push_back(post_at(i, 10 + i));  // p0 newest ... p9 oldest
  }
  apply_reads(writer, reads, kT0);

  std::vector<std::string> listed;
  {
    const auto snapshot = reader.read_snapshot();
    auto page = reader.newest_page("", kT0, 5, nullptr);
    for (const auto& post : page) {
      listed.push_back(post.post.key);
    }
    // p9 becomes the newest post and p10 appears, committed by the other connection.
    apply_reads(writer, {post_at(9, 1), post_at(10, 2)}, kT0);
    page = reader.newest_page("", kT0, 5, &page.back());
    for (const auto& post : page) {
      listed.push_back(post.post.key);
    }
    BOOST_TEST(reader.newest_page("", kT0, 5, &page.back()).empty());
  }
  const std::vector<std::string> before = {"p0", "p1", "p2", "p3", "p4",
                                           "p5", "p6", "p7", "p8", "p9"};
  BOOST_TEST(listed == before, boost::test_tools::per_element());
  // Once the snapshot is gone the reader sees the writer's commit.
  BOOST_TEST(reader.newest_page("", kT0, 1, nullptr).front().post.key == "p9");
}

BOOST_AUTO_TEST_CASE(times_survive_reopening_and_schema_is_versioned) {
  testing::TempDir dir;
  auto path = dir / "index.sqlite";
  {
    Index index(path, "https://blog.example.org/");
    apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "A")})}, kT0);
    apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "B")}, "y")}, kT0 + 5h);
  }
  {
    Index index(path, "https://blog.example.org/");
    auto posts = index.newest("", kT0 + 6h, 10);
    BOOST_REQUIRE_EQUAL(posts.size(), 1u);
    BOOST_TEST((posts[0].updated == kT0 + 5h));
    BOOST_TEST((posts[0].first_seen == kT0));
    BOOST_TEST(index.file_states().at("a.txt").sha256 == "y");
  }
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  BOOST_TEST(db.execAndGet("PRAGMA user_version").getInt() == Index::kSchemaVersion);
  BOOST_TEST(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  db.exec("PRAGMA user_version = 99");
  BOOST_CHECK_THROW(Index(path, "https://blog.example.org/"), IndexError);
}

// A new index has pages that hold several posts' rows; an index made with SQLite's default
// pages keeps them and works on.
BOOST_AUTO_TEST_CASE(a_new_index_gets_large_pages_an_old_one_keeps_its_own) {
  testing::TempDir dir;
  const auto page_size = [](const std::filesystem::path& path) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet("PRAGMA page_size").getInt();
  };
  const auto fresh = dir / "fresh.sqlite";
  {
    Index index(fresh, "https://blog.example.org/");
    apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", "A")})}, kT0);
  }
  BOOST_TEST(page_size(fresh) == 16384);

  const auto old = dir / "old.sqlite";
  {
    SQLite::Database db(old.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA page_size = 4096");
    db.exec("PRAGMA journal_mode = WAL");
  }
  for (const char* title : {"A", "B"}) {  // made, then reopened
    Index index(old, "https://blog.example.org/");
    apply_reads(index, {read_of("a.txt", {make_post("k", "a.txt", title)}, title)}, kT0);
  }
  BOOST_TEST(page_size(old) == 4096);
  Index index(old, "https://blog.example.org/");
  const auto posts = index.newest("", kT0, 10);
  BOOST_REQUIRE_EQUAL(posts.size(), 1u);
  BOOST_TEST(posts[0].post.title == "B");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
