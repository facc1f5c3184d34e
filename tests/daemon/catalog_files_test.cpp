// `feedd build --out`'s topic feeds and archive pages (daemon/pipeline/catalog_files.h),
// in-process on a real store and index: each file holds the bytes the pipeline renders for
// it on request; each post body is parsed at most once for all the files that show it (its
// language's archive page, the all-languages one, its topics' three feeds); and a second
// build over unchanged posts renders nothing and parses nothing; rendered on four threads,
// the files are those one thread writes.
#include "daemon/pipeline/catalog_files.h"

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <filesystem>
#include <map>
#include <string>

#include "daemon/pipeline/file_output.h"
#include "feeds/feed_info.h"
#include "feeds/html_document.h"
#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(catalog_files_test)

namespace {

using namespace std::chrono_literals;

const std::chrono::sys_seconds kNow = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 0s;

std::string post(int n, const std::string& lang) {
  return "---\ntitle: Post " + std::to_string(n) + "\ndate: 2025-0" + std::to_string(1 + n % 9) +
         "-" + std::to_string(10 + n % 18) + "T" + std::to_string(10 + n % 12) +
         ":00:00Z\nlang: " + lang + "\nid: p" + std::to_string(n) + "\ntags: [\"Tag " +
         std::to_string(n % 4) + "\"]\n---\n<p>Body of <a href=\"/x/" + std::to_string(n) +
         "\">post</a> " + std::to_string(n) + ".</p>\n";
}

// `posts` posts in `dir`/posts (every third in Japanese, the rest in English, four tags) and
// the configuration of their site: 5 entries a feed, 10 posts an archive page,
// `topic_entries` a topic feed.
Config write_site(const testing::TempDir& dir, int posts, int topic_entries) {
  for (int n = 0; n < posts; ++n) {
    testing::write_file(dir / ("posts/p" + std::to_string(n) + ".md"),
                        post(n, n % 3 == 0 ? "ja" : "en"));
  }
  return load_config(
      testing::write_config(dir.path(), dir / "posts", dir / "store.index",
                            "\n[feeds]\nentries = 5\narchive_size = 10\ntopic_entries = " +
                                std::to_string(topic_entries) + "\n"));
}

// A site of write_site()'s posts, scanned and rendered as `feedd build` does before writing
// its topic feeds and archive pages.
struct ScannedSite {
  ScannedSite(int posts, int topic_entries)
      : config(write_site(dir, posts, topic_entries)), pipeline(config) {
    pipeline.scan(kNow);
    pipeline.render(kNow);
  }
  testing::TempDir dir;
  Config config;
  SitePipeline pipeline;
};

}  // namespace

BOOST_AUTO_TEST_CASE(files_are_rendered_once_with_each_body_parsed_once) {
  constexpr int kPosts = 60;
  ScannedSite site(kPosts, 50);
  const testing::TempDir& dir = site.dir;
  SitePipeline& pipeline = site.pipeline;
  const auto out = std::filesystem::absolute(dir / "out");

  const auto parsed_before = feeds::html_bodies_parsed();
  const auto first = write_catalog_files(pipeline, out, kNow);
  BOOST_TEST_REQUIRE(first.has_value());
  const auto parsed = feeds::html_bodies_parsed() - parsed_before;
  // 2 + 4 + 6 archive pages; 4 tags in ja, en and all: 12 topics, 3 feeds each.
  BOOST_TEST(first->files == 12u + 36u);
  BOOST_TEST(first->rendered == first->files);
  // Every post shows in two archive pages and three feeds of each of two topics; without
  // sharing, each would be parsed up to eight times. render() parsed the feeds' newest.
  BOOST_TEST(parsed <= static_cast<std::uint64_t>(kPosts));
  BOOST_TEST(parsed > 0u);

  // The bytes each file holds are those the pipeline renders for its path on request.
  for (const feeds::ArchivePage* page : pipeline.archives()->pages()) {
    const auto rendered = pipeline.render_archive(*page, kNow);
    BOOST_TEST(testing::read_file(out / rendered.path) == rendered.body, rendered.path);
  }
  for (const auto& topic : pipeline.topics()->topics()) {
    const auto rendered = pipeline.render_topic(*topic, feeds::FeedFormat::rss, kNow);
    BOOST_TEST(testing::read_file(out / output_file(rendered.path)) == rendered.body,
               rendered.path);
  }

  const auto parsed_again = feeds::html_bodies_parsed();
  const auto second = write_catalog_files(pipeline, out, kNow);
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(second->files == first->files);
  BOOST_TEST(second->rendered == 0u);
  BOOST_TEST(second->changed == 0);
  BOOST_TEST(feeds::html_bodies_parsed() == parsed_again);
}

namespace {

// Every file under `dir` by its path relative to it, with its bytes.
std::map<std::string, std::string> files_under(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& item : std::filesystem::recursive_directory_iterator(dir)) {
    if (item.is_regular_file()) {
      files.emplace(item.path().lexically_relative(dir).string(), testing::read_file(item.path()));
    }
  }
  return files;
}

}  // namespace

// Rendered on four threads (bodies parsed on one worker, shown by files rendered on another,
// batches collected while the one before renders), the files are byte for byte those of a
// build on the calling thread alone, and still each body is parsed once for all its files.
BOOST_AUTO_TEST_CASE(four_threads_write_the_bytes_one_thread_writes) {
  // 18 + 12 + 6 archive pages and 12 topics: 72 files, five batches; every body fits in
  // what the build keeps (20 pages of 10), so none is parsed twice.
  constexpr int kPosts = 180;
  ScannedSite site(kPosts, 30);
  const testing::TempDir& dir = site.dir;
  SitePipeline& pipeline = site.pipeline;

  std::map<std::string, std::string> built[2];
  const std::size_t threads[2] = {1, 4};
  for (int i = 0; i < 2; ++i) {
    const auto out = std::filesystem::absolute(dir / ("out" + std::to_string(threads[i])));
    const auto parsed_before = feeds::html_bodies_parsed();
    const auto written = write_catalog_files(pipeline, out, kNow, threads[i]);
    BOOST_TEST_REQUIRE(written.has_value());
    BOOST_TEST(written->files == 36u + 36u);
    BOOST_TEST(written->rendered == written->files);
    BOOST_TEST(feeds::html_bodies_parsed() - parsed_before <= static_cast<std::uint64_t>(kPosts),
               threads[i] << " threads");
    built[i] = files_under(out);
  }
  BOOST_TEST(built[0].size() == 36u + 36u);
  BOOST_TEST_REQUIRE(built[1].size() == built[0].size());
  for (const auto& [path, bytes] : built[0]) {
    BOOST_TEST((built[1].count(path) == 1 && built[1].at(path) == bytes), path);
  }
}

// A write that fails (here: every English archive page, its directory being a file) fails
// the build with its error, and leaves no temporary behind: neither those of the failed
// batch's other files nor those of the batches staged before it and never committed.
BOOST_AUTO_TEST_CASE(a_failed_write_leaves_no_temporary_behind) {
  constexpr int kPosts = 180;
  ScannedSite site(kPosts, 30);
  const testing::TempDir& dir = site.dir;
  SitePipeline& pipeline = site.pipeline;
  const auto out = std::filesystem::absolute(dir / "out");
  testing::write_file(out / "en/archive", "not a directory");

  const auto written = write_catalog_files(pipeline, out, kNow, 4);
  BOOST_TEST_REQUIRE(!written.has_value());
  BOOST_TEST(written.error().value() == ENOTDIR, written.error().message());
  std::size_t files = 0;
  for (const auto& [path, bytes] : files_under(out)) {
    ++files;
    BOOST_TEST(path.find(".tmp-") == std::string::npos, path);
  }
  BOOST_TEST(files == 1u);  // the file in the way: nothing was committed
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
