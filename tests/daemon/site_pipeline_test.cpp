// SitePipeline renders again only the feeds whose input changed, and parses again only the
// post bodies that changed.
#include "daemon/pipeline/site_pipeline.h"

#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include "daemon/pipeline/index_health.h"
#include "feeds/html_document.h"
#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(site_pipeline_test)

namespace {

using namespace std::chrono_literals;

const std::chrono::sys_seconds kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 0s;

std::string post(const std::string& title, const std::string& lang) {
  return "---\ntitle: " + title + "\ndate: 2025-01-01\nlang: " + lang + "\n---\nText.\n";
}

std::string tagged_post(const std::string& title, const std::string& lang) {
  return "---\ntitle: " + title + "\ndate: 2025-01-01\nlang: " + lang +
         "\ntags: [Tea]\n---\nText of " + title + ".\n";
}

// The bodies parsed (feeds::html_bodies_parsed) since the last call.
class ParseCount {
 public:
  std::uint64_t since_last() {
    const std::uint64_t now = feeds::html_bodies_parsed();
    const std::uint64_t since = now - last_;
    last_ = now;
    return since;
  }

 private:
  std::uint64_t last_ = feeds::html_bodies_parsed();
};

// The inode of `path`: a file renamed into its place has another.
ino_t inode(const std::filesystem::path& path) {
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_file_that_cannot_be_made_is_no_fault_of_the_index) {
  testing::TempDir dir;
  testing::write_file(dir / "posts/a.md", post("A", "en"));
  // In the way of "index.sqlite.new": a directory that holds a file cannot be removed.
  testing::write_file(dir / "index.sqlite.new/kept", "x");
  const auto index = dir / "index.sqlite";
  auto config = load_config(testing::write_config(dir.path(), dir / "posts", index));
  IndexHealth health;
  SitePipeline pipeline(config, &health);
  BOOST_TEST(pipeline.scan(kNow).applied.added == 1);  // into a stand-in
  BOOST_TEST(health.recoveries() == 0u);
  BOOST_TEST(!health.writable());
  BOOST_TEST(std::filesystem::exists(index));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    BOOST_TEST(!entry.path().filename().string().starts_with("index.sqlite.corrupt-"));
  }
  BOOST_TEST(pipeline.index().newest("", kNow, -1).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_new_index_is_written_beside_it_and_one_with_a_past_in_place) {
  testing::TempDir dir;
  testing::write_file(dir / "posts/a.md", post("A", "en"));
  testing::write_file(dir / "posts/b.md", post("B", "ja"));
  const auto index = dir / "index.sqlite";
  auto config = load_config(testing::write_config(dir.path(), dir / "posts", index));
  ino_t written = 0;
  {
    SitePipeline pipeline(config);
    const ino_t created = inode(index);
    BOOST_TEST(pipeline.scan(kNow).applied.added == 2);
    written = inode(index);
    BOOST_TEST(written != created);  // the new file took the index's place
    BOOST_TEST(!std::filesystem::exists(dir / "index.sqlite.new"));
    // The pipeline goes on with the file in place.
    testing::write_file(dir / "posts/c.md", post("C", "en"));
    BOOST_TEST(pipeline.scan_paths({"c.md"}, kNow).applied.added == 1);
    BOOST_TEST(pipeline.index().newest("", kNow, -1).size() == 3u);
    // The store emptied: the index keeps the posts' ids and tombstones.
    for (const char* name : {"a.md", "b.md", "c.md"}) {
      std::filesystem::remove(dir / "posts" / name);
    }
    BOOST_TEST(pipeline.scan(kNow + 1h).applied.deleted == 3);
  }
  SitePipeline again(config);
  BOOST_TEST(again.scan(kNow + 2h).applied.wrote() == false);
  BOOST_TEST(inode(index) == written);  // not new: scanned in place
  BOOST_TEST(again.index().gone_posts("", kNow + 2h, kNow, -1).size() == 3u);
}

BOOST_AUTO_TEST_CASE(only_feeds_whose_input_changed_are_rendered_again) {
  testing::TempDir dir;
  testing::write_file(dir / "posts/en.md", post("English", "en"));
  testing::write_file(dir / "posts/ja.md", post("日本語", "ja"));
  auto config = load_config(testing::write_config(dir.path(), dir / "posts", ":memory:"));
  SitePipeline pipeline(config);
  pipeline.scan(kNow);
  auto first = pipeline.render(kNow);
  BOOST_TEST(pipeline.feeds_rendered() == 3u);  // ja, en, all
  auto again = pipeline.render(kNow);
  BOOST_TEST(pipeline.feeds_rendered() == 3u, "nothing changed: nothing rendered");
  BOOST_REQUIRE_EQUAL(first.size(), again.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    BOOST_TEST((first[i].body == again[i].body), first[i].path);
  }
  testing::write_file(dir / "posts/en.md", post("English, edited", "en"));
  pipeline.scan(kNow + 1h);
  auto edited = pipeline.render(kNow + 1h);
  BOOST_TEST(pipeline.feeds_rendered() == 5u, "en and all rendered again, ja not");
  bool found = false;
  for (const auto& feed : edited) {
    found |= feed.path == "en/atom.xml" && feed.body.find("English, edited") != std::string::npos;
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(bodies_are_parsed_again_only_when_they_change) {
  testing::TempDir dir;
  testing::write_file(dir / "posts/en.md", tagged_post("English", "en"));
  testing::write_file(dir / "posts/en2.md", tagged_post("Second", "en"));
  testing::write_file(dir / "posts/ja.md", tagged_post("日本語", "ja"));
  auto config = load_config(testing::write_config(dir.path(), dir / "posts", ":memory:"));
  SitePipeline pipeline(config);
  pipeline.scan(kNow);
  ParseCount parses;
  pipeline.render(kNow);
  BOOST_TEST(parses.since_last() == 3u, "each body once, though in two feeds and the pages");
  pipeline.render(kNow);
  BOOST_TEST(parses.since_last() == 0u, "nothing changed: nothing parsed");
  testing::write_file(dir / "posts/en.md", tagged_post("English, edited", "en"));
  pipeline.scan(kNow + 1h);
  pipeline.render(kNow + 1h);
  BOOST_TEST(parses.since_last() == 1u, "only the edited body");
  // The topic feeds (rendered on request) show posts the feeds parsed: none parsed again.
  BOOST_REQUIRE(pipeline.topics()->topics().size() >= 3u);  // Tea in en, ja and all
  for (const auto& topic : pipeline.topics()->topics()) {
    const auto feed = pipeline.render_topic(*topic, feeds::FeedFormat::atom, kNow + 1h);
    BOOST_TEST(feed.body.find("Text of ") != std::string::npos, feed.path);
  }
  const std::uint64_t topic_parses = parses.since_last();
  BOOST_TEST(topic_parses == 0u);  // the topic feeds reuse the feeds' parsed bodies
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
