// Replicas agree byte for byte (SPEC "Scaling out"): two feedd processes over one git work
// tree, each with its own state directory, one started before an edit (it sees the edit
// arrive through a webhook's git pull) and one after it; every path they serve (crawled from
// their links), in every coding and for browsers too, has the same status, headers (Date
// aside) and bytes. The edit's time is its commit's, not the time either replica saw it.
#include <boost/test/unit_test.hpp>

#include "common/encoding.h"
#include "common/hmac.h"
#include "tests/integration/scaleout_support.h"
#include "tests/support/feedd_process.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(replicas_test)

namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kWritten = 1735779600;  // 2025-01-02T01:00:00Z
constexpr std::int64_t kEdited = 1748747045;   // 2025-06-01T03:04:05Z
constexpr const char* kEditedJst = "2025-06-01T12:04:05+09:00";

std::string post(std::string_view title, std::string_view lang, std::string_view date,
                 std::string_view body) {
  return "---\ntitle: " + std::string(title) + "\ndate: " + std::string(date) +
         "\nlang: " + std::string(lang) + "\ntags: [Tea Time, 茶道]\ncategories: [News]\n---\n" +
         std::string(body) + "\n";
}

void sign_and_post(int port, const std::string& secret) {
  const std::string body = "{}";
  const auto signature = common::hex_encode(common::as_bytes(common::hmac_sha256(secret, body)));
  auto hook = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                           "--max-time", "30", "-H", "X-GitHub-Event: push", "-H",
                           "X-Hub-Signature-256: sha256=" + signature, "--data-binary", body,
                           "http://127.0.0.1:" + std::to_string(port) + "/hooks/rebuild"});
  BOOST_REQUIRE_EQUAL(hook.output, "202");
}

// Each variant a reader may ask for: every coding, and a browser's Accept.
const std::vector<std::vector<std::pair<std::string, std::string>>> kVariants = {
    {{"Accept-Encoding", "identity"}},
    {{"Accept-Encoding", "gzip"}},
    {{"Accept-Encoding", "br"}},
    {{"Accept-Encoding", "gzip, br"}, {"Accept", "text/html,application/xhtml+xml"}},
};

BOOST_AUTO_TEST_CASE(replicas_started_before_and_after_an_edit_agree_on_every_byte) {
  TempDir dir;
  GitTree upstream{dir / "upstream"};
  BOOST_REQUIRE(
      run_command({"git", "init", "-q", "-b", "main", upstream.tree.string()}).exit_status == 0);
  write_file(upstream.tree / "2025/tea.md",
             post("Tea", "en", "2025-01-02T10:00:00+09:00", "About tea."));
  write_file(upstream.tree / "2025/cha.md",
             post("お茶", "ja", "2025-01-02T11:00:00+09:00", "お茶の話。"));
  write_file(upstream.tree / "2025/004_5b6a7f.txt",
             "2025.01.01\n\n[Eng] Page text post\n\nA paragraph of page text.\n");
  upstream.add_and_commit(kWritten);
  const auto store = dir / "store";
  BOOST_REQUIRE(
      run_command({"git", "clone", "-q", upstream.tree.string(), store.string()}).exit_status == 0);
  const std::string extra =
      "updated_from = \"git\"\nrescan_s = 0\n[server]\nlisten = "
      "[\"127.0.0.1:0\"]\n[hooks]\nsecret = \"s3cret\"\ncommand = "
      "[\"git\", \"-C\", \"" +
      store.string() + "\", \"pull\", \"-q\", \"--ff-only\"]\n";
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  FeeddProcess before(write_config(dir / "a", store, dir / "a/index.sqlite", extra), dir / "a.log");
  const int port_before = before.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port_before > 0, before.log());

  // The edit is committed upstream and pulled by the running replica's webhook.
  write_file(upstream.tree / "2025/tea.md",
             post("Tea", "en", "2025-01-02T10:00:00+09:00", "About tea, edited."));
  upstream.add_and_commit(kEdited);
  sign_and_post(port_before, "s3cret");
  HttpClient client_before(port_before);
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        return client_before.get("/en/atom.xml").body.find(kEditedJst) !=
                               std::string::npos;
                      }),
                      before.log());

  FeeddProcess after(write_config(dir / "b", store, dir / "b/index.sqlite", extra), dir / "b.log");
  const int port_after = after.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port_after > 0, after.log());
  HttpClient client_after(port_after);

  const auto paths = crawl(client_before, "https://blog.example.org/");
  BOOST_TEST(paths.size() > 30u);  // feeds, pages, tag pages, topic feeds, OPML, archives …
  BOOST_TEST((std::find(paths.begin(), paths.end(), "/tags/tea-time/atom.xml") != paths.end()));
  int compared = 0;
  for (const auto& path : paths) {
    for (const auto& variant : kVariants) {
      auto one = client_before.get(path, variant);
      auto two = client_after.get(path, variant);
      one.headers.erase("date");
      two.headers.erase("date");
      BOOST_TEST(one.status == two.status, path);
      std::string differing;
      for (const auto& [name, value] : one.headers) {
        if (two.header(name) != value) {
          differing += name + ": " + value + " / " + two.header(name) + "; ";
        }
      }
      BOOST_TEST((one.headers == two.headers),
                 path << " " << variant.front().second << ": " << differing);
      BOOST_TEST((one.body == two.body), path << " " << variant.front().second);
      compared += one.status == 200 ? 1 : 0;
    }
  }
  BOOST_TEST(compared > 100);
  BOOST_TEST(client_after.get("/en/atom.xml").body.find(kEditedJst) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::testing
