// RFC 6721 tombstones (SPEC "Deletions") from a real `feedd serve` over loopback HTTP: a
// published post that goes away (file deleted, entry removed from an export, turned draft,
// dated into the future) is an at:deleted-entry in its language's and the all-languages Atom
// feed (not in another language's, not in RSS), newest first; the feeds stay valid (xmllint,
// the RELAX NG schema with the tombstone namespace, feedparser); a restart on the same index
// serves the same bytes; a post that comes back loses its tombstone and keeps its id. Topic
// feeds list the tombstones of the posts that had their topic.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <regex>

#include "tests/support/feed_validation.h"
#include "tests/support/feedd_process.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(tombstones_test)

namespace {

using namespace std::chrono_literals;

std::string post(const std::string& title, const std::string& date, const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndate: " + date + "\nlang: en\n" + extra + "---\nText of " +
         title + ".\n";
}

std::string mt_entry(const std::string& basename, const std::string& title) {
  return "TITLE: [Eng] " + title + "\nBASENAME: " + basename +
         "\nSTATUS: Publish\nDATE: 01/04/2025 09:00:00 AM\n-----\nBODY:\n<p>" + title +
         " body.</p>\n-----\n--------\n";
}

// The entry ids of `feed` (Atom), in order.
std::vector<std::string> entry_ids(const std::string& feed) {
  std::vector<std::string> ids;
  const std::regex id("<entry[^>]*>\\s*<id>([^<]*)</id>");
  for (auto it = std::sregex_iterator(feed.begin(), feed.end(), id); it != std::sregex_iterator();
       ++it) {
    ids.push_back((*it)[1]);
  }
  return ids;
}

std::vector<std::string> tombstone_refs(const std::string& feed) {
  std::vector<std::string> refs;
  const std::regex ref("<at:deleted-entry ref=\"([^\"]*)\" when=\"[^\"]*\" />");
  for (auto it = std::sregex_iterator(feed.begin(), feed.end(), ref); it != std::sregex_iterator();
       ++it) {
    refs.push_back((*it)[1]);
  }
  return refs;
}

std::string id_of(const std::vector<std::string>& ids, const std::string& key) {
  for (const auto& id : ids) {
    if (id.ends_with(":" + key)) {
      return id;
    }
  }
  return "(no entry " + key + ")";
}

struct TombstoneFixture {
  TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::filesystem::path config;
  std::unique_ptr<FeeddProcess> feedd;
  int port = 0;

  void start() {
    config = write_config(dir.path(), store, dir / "index.sqlite",
                          "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\n");
    feedd = std::make_unique<FeeddProcess>(config, dir / ("serve" + std::to_string(port) + ".log"));
    port = feedd->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  }
  Fetched get(const std::string& path) { return fetch(port, path); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(every_way_of_going_away_and_coming_back, TombstoneFixture) {
  for (const char* key : {"deleted", "drafted", "postponed", "kept"}) {
    write_file(store / (std::string(key) + ".md"), post(key, "2025-01-02", "tags: [t]\n"));
  }
  write_file(store / "ja.md", "---\ntitle: 日本語\ndate: 2025-01-02\nlang: ja\n---\n本文。\n");
  write_file(store / "export.txt", mt_entry("removed", "Removed") + mt_entry("stays", "Stays"));
  start();
  const auto before = get("/en/atom.xml");
  BOOST_TEST_REQUIRE(before.status == 200);
  BOOST_TEST(before.body.find("xmlns:at") == std::string::npos);
  const auto ids = entry_ids(before.body);
  BOOST_TEST_REQUIRE(ids.size() == 6u, before.body);

  std::filesystem::remove(store / "deleted.md");
  write_file(store / "drafted.md", post("drafted", "2025-01-02", "draft: true\ntags: [t]\n"));
  write_file(store / "postponed.md", post("postponed", "2100-01-01", "tags: [t]\n"));
  write_file(store / "export.txt", mt_entry("stays", "Stays"));
  Fetched after;
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        after = get("/en/atom.xml");
                        return tombstone_refs(after.body).size() == 4u;
                      }),
                      feedd->log() << after.body);
  const std::vector<std::string> gone = {id_of(ids, "deleted"), id_of(ids, "drafted"),
                                         id_of(ids, "postponed"), id_of(ids, "removed")};
  auto refs = tombstone_refs(after.body);
  BOOST_TEST(std::is_permutation(refs.begin(), refs.end(), gone.begin(), gone.end()), after.body);
  BOOST_TEST(
      entry_ids(after.body) == (std::vector<std::string>{id_of(ids, "stays"), id_of(ids, "kept")}),
      boost::test_tools::per_element());
  const auto all = get("/atom.xml").body;
  BOOST_TEST(tombstone_refs(all).size() == 4u, all);
  BOOST_TEST(get("/ja/atom.xml").body.find("deleted-entry") == std::string::npos);
  BOOST_TEST(get("/en/rss.xml").body.find("deleted-entry") == std::string::npos);
  // A topic feed the posts were in: the same tombstones (those that had the tag).
  const auto topic = get("/en/tags/t/atom.xml").body;
  refs = tombstone_refs(topic);
  BOOST_TEST(refs.size() == 3u, topic);
  BOOST_TEST((std::find(refs.begin(), refs.end(), id_of(ids, "removed")) == refs.end()));
  write_file(dir / "out/en/tags/t/atom.xml", topic);
  write_file(dir / "out/en/atom.xml", after.body);
  write_file(dir / "out/atom.xml", all);
  const auto report =
      validate_feeds(dir / "out", {"en/atom.xml", "atom.xml", "en/tags/t/atom.xml"});
  BOOST_TEST(report.find("en/atom.xml 2 en") != std::string::npos, report);

  // A restart over the same index: the same tombstones, the same bytes.
  feedd->signal(SIGTERM);
  BOOST_TEST_REQUIRE(feedd->wait_exit(60s) == 0, feedd->log());
  start();
  const auto restarted = get("/en/atom.xml");
  BOOST_TEST(restarted.etag == after.etag);
  BOOST_TEST(restarted.body == after.body);

  // Coming back: the entry with its old id, and no tombstone.
  write_file(store / "deleted.md", post("deleted", "2025-01-02"));
  write_file(store / "drafted.md", post("drafted", "2025-01-02"));
  Fetched back;
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        back = get("/en/atom.xml");
                        return tombstone_refs(back.body).size() == 2u;
                      }),
                      feedd->log() << back.body);
  const auto back_ids = entry_ids(back.body);
  BOOST_TEST(id_of(back_ids, "deleted") == id_of(ids, "deleted"));
  BOOST_TEST(id_of(back_ids, "drafted") == id_of(ids, "drafted"));
  refs = tombstone_refs(back.body);
  BOOST_TEST((std::find(refs.begin(), refs.end(), id_of(ids, "deleted")) == refs.end()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
