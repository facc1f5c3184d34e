// The feedd binary end to end: build, check, posts and the command line itself, with every
// produced feed checked by xmllint, a RELAX NG schema for RFC 4287 and python3-feedparser.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <set>

#include "tests/support/feed_validation.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(cli_test)

namespace {

CommandResult feedd(const std::vector<std::string>& args) {
  std::vector<std::string> argv{feedd_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::filesystem::path sample_store() { return source_dir() / "etc/posts"; }

}  // namespace

BOOST_AUTO_TEST_CASE(sample_store_builds_valid_feeds_in_both_languages) {
  TempDir dir;
  auto config = write_config(dir.path(), sample_store(), dir / "index.sqlite");
  auto result = feedd({"build", "--config", config.string(), "--out", (dir / "out").string()});
  BOOST_TEST(result.exit_status == 0, result.output);
  auto report = validate_feeds(dir / "out");
  BOOST_TEST(report.find("ja/atom.xml 0") == std::string::npos, report);
  BOOST_TEST(report.find("en/atom.xml 0") == std::string::npos, report);
  // Only Japanese entries in the Japanese feed.
  auto ja = read_file(dir / "out/ja/atom.xml");
  BOOST_TEST(ja.find("xml:lang=\"ja\"") != std::string::npos);
  BOOST_TEST(ja.find("xml:lang=\"en\"") == std::string::npos);
  BOOST_TEST(ja.find("hreflang=\"en\"") != std::string::npos, "translations are linked");
}

BOOST_AUTO_TEST_CASE(same_index_and_fresh_index_give_byte_identical_feeds) {
  TempDir dir;
  auto config = write_config(dir.path(), sample_store(), dir / "index.sqlite");
  BOOST_REQUIRE(
      feedd({"build", "--config", config.string(), "--out", (dir / "a").string()}).exit_status ==
      0);
  BOOST_REQUIRE(
      feedd({"build", "--config", config.string(), "--out", (dir / "b").string()}).exit_status ==
      0);
  TempDir other;
  auto other_config = write_config(other.path(), sample_store(), other / "index.sqlite");
  BOOST_REQUIRE(feedd({"build", "--config", other_config.string(), "--out", (other / "c").string()})
                    .exit_status == 0);
  for (const auto& file : kFeedFiles) {
    auto a = read_file(dir / "a" / file);
    BOOST_TEST((a == read_file(dir / "b" / file)), file);
    BOOST_TEST((a == read_file(other / "c" / file)), file);
  }
}

// The index is a cache of the store as read with the configuration: after site.timezone
// changes, a build over the same index dates every post as a build over a new index does
// (the sample's date-only posts move to the new zone's midnight, published and updated),
// though no post file changed. (Entry ids are the index's own: they never change.)
BOOST_AUTO_TEST_CASE(a_changed_time_zone_reaches_posts_already_indexed) {
  TempDir dir;
  auto config = write_config(dir.path(), sample_store(), dir / "index.sqlite");
  BOOST_REQUIRE(
      feedd({"build", "--config", config.string(), "--out", (dir / "a").string()}).exit_status ==
      0);
  const auto to_new_york = [](const std::filesystem::path& file) {
    auto toml = read_file(file);
    const std::string tokyo = "timezone = \"Asia/Tokyo\"";
    BOOST_REQUIRE(toml.find(tokyo) != std::string::npos);
    toml.replace(toml.find(tokyo), tokyo.size(), "timezone = \"America/New_York\"");
    write_file(file, toml);
  };
  to_new_york(config);
  BOOST_REQUIRE(
      feedd({"build", "--config", config.string(), "--out", (dir / "b").string()}).exit_status ==
      0);
  TempDir other;
  auto fresh = write_config(other.path(), sample_store(), other / "index.sqlite");
  to_new_york(fresh);  // the same settings, a new index
  BOOST_REQUIRE(
      feedd({"build", "--config", fresh.string(), "--out", (other / "c").string()}).exit_status ==
      0);
  // Each entry's publication and update dates, in feed order.
  const auto published = [](const std::string& feed) {
    std::vector<std::string> lines;
    for (const std::string element : {"<published>", "<updated>"}) {
      for (std::size_t at = feed.find(element); at != std::string::npos;
           at = feed.find(element, at + 1)) {
        lines.push_back(feed.substr(at, feed.find('<', at + 1) - at));
      }
    }
    return lines;
  };
  for (const auto* file : {"atom.xml", "ja/atom.xml", "en/atom.xml"}) {
    const auto before = published(read_file(dir / "a" / file));
    const auto after = published(read_file(dir / "b" / file));
    BOOST_TEST(!after.empty(), file);
    BOOST_TEST(after == published(read_file(other / "c" / file)), file);
    BOOST_TEST(after != before, file);
  }
}

BOOST_AUTO_TEST_CASE(generated_thousand_post_store_is_valid) {
  TempDir dir;
  for (int i = 0; i < 1000; ++i) {
    auto n = std::to_string(i);
    auto day = std::to_string(1 + i % 28);
    if (day.size() == 1) {
      day = "0" + day;
    }
    auto month = std::to_string(1 + (i / 28) % 12);
    if (month.size() == 1) {
      month = "0" + month;
    }
    std::string date = std::to_string(2020 + i / 336) + "-" + month + "-" + day;
    if (i % 3 == 0) {
      write_file(dir / ("store/" + n + ".md"),
                 "---\ntitle: \"Post <" + n + "> & more\"\ndate: " + date +
                     "\nlang: en\ntags: [a, b]\n---\nHello *world* [link](../x/" + n +
                     ".html) \x01 end.\n\n![img](img/" + n + ".png)\n");
    } else if (i % 3 == 1) {
      write_file(dir / ("store/" + n + ".md"),
                 "+++\ntitle = \"記事 " + n + "\"\ndate = " + date +
                     "\nlang = \"ja\"\n+++\n本文です。**強調**と`コード`。\n");
    } else {
      std::string dotted = date;
      std::replace(dotted.begin(), dotted.end(), '-', '.');
      write_file(
          dir / ("store/" + std::string(3 - std::min<size_t>(3, n.size()), '0') + n + "_p.txt"),
          "« 前 | トップ | 次 »\n\n" + dotted + "\n\nページ " + n +
              "\n\n最初の段落です。\n\n見出し\n見出しの下の段落。\n\n|\n\n« 前 | トップ | 次 »\n");
    }
  }
  auto config =
      write_config(dir.path(), dir / "store", dir / "index.sqlite", "[feeds]\nentries = 1000\n");
  auto result = feedd({"build", "--config", config.string(), "--out", (dir / "out").string()});
  BOOST_TEST(result.exit_status == 0, result.output);
  auto report = validate_feeds(dir / "out");
  BOOST_TEST(report.find("atom.xml 1000") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(broken_post_file_is_reported_with_path_and_line_and_exit_1) {
  TempDir dir;
  write_file(dir / "store/good.md", "---\ntitle: Good\ndate: 2025-01-01\nlang: en\n---\nok\n");
  write_file(dir / "store/bad.md", "---\ntitle: Bad\nlang: en\n---\nno date\n");
  auto config = write_config(dir.path(), dir / "store", dir / "index.sqlite");
  auto build = feedd({"build", "--config", config.string(), "--out", (dir / "out").string()});
  BOOST_TEST(build.exit_status == 1);
  BOOST_TEST(build.output.find("bad.md:") != std::string::npos, build.output);
  BOOST_TEST(read_file(dir / "out/en/atom.xml").find("Good") != std::string::npos);
  // A warm build still reports the problem (it is kept in the index).
  auto again = feedd({"build", "--config", config.string(), "--out", (dir / "out").string()});
  BOOST_TEST(again.exit_status == 1);

  auto check = feedd({"check", "--config", config.string()});
  BOOST_TEST(check.exit_status == 1);
  BOOST_TEST(check.output.find("bad.md:") == 0u, check.output);
  std::filesystem::remove(dir / "store/bad.md");
  BOOST_TEST(feedd({"check", "--config", config.string()}).exit_status == 0);
}

// A post file feedd cannot read is a problem for build as for check: exit 1, and the summary
// counts it (as root, which chmod cannot stop, a link to nothing is such a file).
BOOST_AUTO_TEST_CASE(an_unreadable_post_file_fails_build_as_it_fails_check) {
  TempDir dir;
  write_file(dir / "store/good.md", "---\ntitle: Good\ndate: 2025-01-01\nlang: en\n---\nok\n");
  std::filesystem::create_symlink(dir / "nowhere.md", dir / "store/gone.md");
  auto config = write_config(dir.path(), dir / "store", dir / "index.sqlite");
  auto check = feedd({"check", "--config", config.string()});
  BOOST_TEST(check.exit_status == 1, check.output);
  BOOST_TEST(
      check.output.find("gone.md: cannot read: a symbolic link to nothing") != std::string::npos,
      check.output);
  auto build = feedd({"build", "--config", config.string(), "--out", (dir / "out").string()});
  BOOST_TEST(build.exit_status == 1, build.output);
  BOOST_TEST(
      build.output.find("gone.md: cannot read: a symbolic link to nothing") != std::string::npos,
      build.output);
  BOOST_TEST(
      build.output.find("; a post file has a problem, see `feedd check`") != std::string::npos,
      build.output);
  BOOST_TEST(read_file(dir / "out/en/atom.xml").find("Good") != std::string::npos);
}

// A directory feedd may not read (the `lost+found` of a store on its own file system, which only
// root reads) is said and skipped, its posts kept; it is no post file's problem, so build and
// check exit 0 (README, "The post store"). The tests run as root, who reads every directory:
// feedd runs as nobody here.
BOOST_AUTO_TEST_CASE(a_directory_feedd_may_not_read_is_said_and_fails_nothing) {
  TempDir dir;
  write_file(dir / "store/good.md", "---\ntitle: Good\ndate: 2025-01-01\nlang: en\n---\nok\n");
  write_file(dir / "store/lost+found/old.md", "---\ntitle: Old\ndate: 2025-01-02\n---\nx\n");
  using std::filesystem::perms;
  std::filesystem::permissions(dir / "store/lost+found", perms::owner_all);
  std::filesystem::permissions(dir.path(), perms::all);  // nobody writes the index and out/
  auto config = write_config(dir.path(), dir / "store", dir / "index.sqlite");
  auto as_nobody = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                  feedd_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  };
  const std::string said = "lost+found: directory skipped: Permission denied";
  auto build = as_nobody({"build", "--config", config.string(), "--out", (dir / "out").string()});
  BOOST_TEST(build.exit_status == 0, build.output);
  BOOST_TEST(build.output.find(said) != std::string::npos, build.output);
  BOOST_TEST(read_file(dir / "out/en/atom.xml").find("Good") != std::string::npos);
  auto check = as_nobody({"check", "--config", config.string()});
  BOOST_TEST(check.exit_status == 0, check.output);
  BOOST_TEST(check.output.find(said) != std::string::npos, check.output);
}

// `feedd check` refuses what `feedd serve` would refuse at its start: a hooks.secret_file
// that cannot be read (exit 2, the file named), and a server.listen entry it could not bind.
BOOST_AUTO_TEST_CASE(check_refuses_what_serve_would_refuse_at_its_start) {
  TempDir dir;
  write_file(dir / "store/good.md", "---\ntitle: Good\ndate: 2025-01-01\nlang: en\n---\nok\n");
  auto missing = write_config(dir.path(), dir / "store", dir / "index.sqlite",
                              "[hooks]\nsecret_file = \"no-such-secret\"\n");
  auto check = feedd({"check", "--config", missing.string()});
  BOOST_TEST(check.exit_status == 2, check.output);
  BOOST_TEST(check.output.find(missing.string() + ":20: hooks.secret_file " +
                               (dir / "no-such-secret").string() + ": No such file or directory") !=
                 std::string::npos,
             check.output);

  write_file(dir / "no-such-secret", "s3cret\n");
  BOOST_TEST(feedd({"check", "--config", missing.string()}).exit_status == 0);

  // But a systemd credential (the README's set-up) exists only once the unit runs: said, not
  // refused, so that `feedd check` before `systemctl enable --now` passes.
  auto credential = write_config(
      dir.path(), dir / "store", dir / "index.sqlite",
      "[hooks]\nsecret_file = \"/run/credentials/feedd-test.service/webhook-secret\"\n");
  check = feedd({"check", "--config", credential.string()});
  BOOST_TEST(check.exit_status == 0, check.output);
  BOOST_TEST(check.output.find("is a systemd credential") != std::string::npos, check.output);

  auto bad_listen = write_config(dir.path(), dir / "store", dir / "index.sqlite",
                                 "[server]\nlisten = [\"127.0.0.1:99999\"]\n");
  check = feedd({"check", "--config", bad_listen.string()});
  BOOST_TEST(check.exit_status == 2, check.output);
  BOOST_TEST(check.output.find("server.listen: \"127.0.0.1:99999\": bad port") != std::string::npos,
             check.output);
}

// `feedd check` scans into a private temporary index (in TMPDIR, deleted at once), not the
// configured one and not memory: a store larger than SQLite's page cache (~3.2 MB of
// bodies here) is checked, the configured index is never created, nothing is left behind.
BOOST_AUTO_TEST_CASE(check_uses_a_temporary_index_and_leaves_nothing) {
  TempDir dir;
  const std::string body(8000, 'x');
  for (int i = 0; i < 400; ++i) {
    write_file(
        dir / ("store/p" + std::to_string(i) + ".md"),
        "---\ntitle: P" + std::to_string(i) + "\ndate: 2025-01-01\nlang: en\n---\n" + body + "\n");
  }
  auto config = write_config(dir.path(), dir / "store", dir / "state/index.sqlite");
  std::filesystem::create_directories(dir / "tmp");
  const auto check = run_command({"env", "TMPDIR=" + (dir / "tmp").string(),
                                  feedd_binary().string(), "check", "--config", config.string()});
  BOOST_TEST(check.exit_status == 0, check.output);
  BOOST_TEST(check.output.find("400 post files, 0 problems") != std::string::npos, check.output);
  BOOST_TEST(!std::filesystem::exists(dir / "state/index.sqlite"));
  BOOST_TEST(std::filesystem::is_empty(dir / "tmp"));
}

BOOST_AUTO_TEST_CASE(posts_lists_by_language) {
  TempDir dir;
  auto config = write_config(dir.path(), sample_store(), dir / "index.sqlite");
  auto en = feedd({"posts", "--config", config.string(), "--lang", "en"});
  BOOST_TEST(en.exit_status == 0, en.output);
  auto all = feedd({"posts", "--config", config.string()});
  BOOST_TEST(en.output.find("\tja\t") == std::string::npos, en.output);
  BOOST_TEST(all.output.find("\tja\t") != std::string::npos, all.output);
  BOOST_TEST(all.output.find("\ten\t") != std::string::npos, all.output);
  auto unknown = feedd({"posts", "--config", config.string(), "--lang", "fr"});
  BOOST_TEST(unknown.exit_status == 2);
  BOOST_TEST(unknown.output.find("not a configured language (ja, en)") != std::string::npos,
             unknown.output);
}

// A file name may hold newlines, tabs and bytes that are not UTF-8: check's problem lines and
// posts' rows stay one line each (the name escaped), so neither can be forged or broken.
BOOST_AUTO_TEST_CASE(odd_file_names_stay_on_their_own_line) {
  TempDir dir;
  write_file(dir / "store/a\nb\tc\xff.md",
             "---\ntitle: Odd\ndate: 2025-01-01\nlang: en\n---\nok\n");
  write_file(dir / "store/x\nerror: forged.md", "---\ntitle: No date\nlang: en\n---\nx\n");
  auto config = write_config(dir.path(), dir / "store", dir / "index.sqlite");
  auto check = feedd({"check", "--config", config.string()});
  BOOST_TEST(check.exit_status == 1, check.output);
  BOOST_TEST(check.output.find("x\\nerror: forged.md:") == 0u, check.output);
  BOOST_TEST(check.output.find("\nerror: forged") == std::string::npos, check.output);
  auto posts = feedd({"posts", "--config", config.string()});
  BOOST_TEST(posts.output.find("a\\nb\\tc\\xff\ten\t2025-01-01\tOdd\t\n") != std::string::npos,
             posts.output);
}

BOOST_AUTO_TEST_CASE(command_line_help_version_and_errors) {
  BOOST_TEST(feedd({"--version"}).output.find("feedd ") == 0u);
  // Each command's --help says what it does (the usage text points there for serve).
  const std::pair<std::string, std::string> kHelps[] = {{"serve", "serves every feed"},
                                                        {"build", "writes every feed"},
                                                        {"check", "Validates the configuration"},
                                                        {"posts", "lists the indexed posts"}};
  for (const auto& [command, says] : kHelps) {
    auto help = feedd({command, "--help"});
    BOOST_TEST(help.exit_status == 0, command);
    BOOST_TEST(help.output.find("--config") != std::string::npos, command);
    BOOST_TEST(help.output.find(says) != std::string::npos, help.output);
  }
  BOOST_TEST(feedd({"--help"}).exit_status == 0);
  BOOST_TEST(feedd({}).exit_status == 2);
  BOOST_TEST(feedd({"frobnicate"}).exit_status == 2);
  BOOST_TEST(feedd({"build"}).exit_status == 2);  // no --out
  // A bad configuration is status 2 for every command (README "Command line"), and the
  // message names the file, the line and the key.
  TempDir dir;
  const auto missing =
      feedd({"build", "--config", (dir / "none.toml").string(), "--out", (dir / "out").string()});
  BOOST_TEST(missing.exit_status == 2, missing.output);
  BOOST_TEST(missing.output.find((dir / "none.toml").string()) != std::string::npos,
             missing.output);
  auto config = write_config(dir.path(), dir / "store", dir / "index.sqlite", "colour = 1\n");
  const std::string text = read_file(config);
  const auto line = 1 + std::count(text.begin(), text.begin() + text.find("colour"), '\n');
  const std::string where = config.string() + ":" + std::to_string(line) + ":";
  for (std::string command : {"check", "build", "posts", "serve"}) {
    std::vector<std::string> args{command, "--config", config.string()};
    if (command == "build") {
      args.insert(args.end(), {"--out", (dir / "out").string()});
    }
    auto bad = feedd(args);
    BOOST_TEST(bad.exit_status == 2, command << ": " << bad.output);
    BOOST_TEST(bad.output.find(where) != std::string::npos, where << " in " << bad.output);
    BOOST_TEST(bad.output.find("unknown key store.colour") != std::string::npos, bad.output);
  }
}

BOOST_AUTO_TEST_CASE(default_configuration_is_the_sample_only_in_the_source_tree) {
  TempDir state;
  // From the source tree it was built from, `feedd check` needs no --config: the bundled
  // sample is used (an installed feedd would look for /etc/feedd/feedd.toml and fail here).
  const auto in_tree =
      run_command({"sh", "-c", "cd \"$1\" && STATE_DIRECTORY=\"$2\" exec \"$3\" check", "sh",
                   source_dir().string(), state.path().string(), feedd_binary().string()});
  BOOST_TEST(in_tree.exit_status == 0, in_tree.output);
  BOOST_TEST(in_tree.output.find("/etc/feedd") == std::string::npos, in_tree.output);
  // Elsewhere, a directory that merely looks like a source tree is not taken for one: its
  // etc/feedd.toml (here with an unknown key) is never read.
  TempDir look_alike;
  std::filesystem::create_directories(look_alike / "etc");
  std::filesystem::create_directories(look_alike / "daemon");
  write_file(look_alike / "daemon/config.h", "");
  write_file(look_alike / "etc/feedd.toml",
             read_file(source_dir() / "etc/feedd.toml") + "colour = 1\n");
  const auto elsewhere =
      run_command({"sh", "-c", "cd \"$1\" && STATE_DIRECTORY=\"$2\" exec \"$3\" check", "sh",
                   look_alike.path().string(), state.path().string(), feedd_binary().string()});
  BOOST_TEST(elsewhere.output.find("colour") == std::string::npos, elsewhere.output);
  const bool read_etc = elsewhere.output.find("/etc/feedd/feedd.toml") != std::string::npos ||
                        std::filesystem::exists("/etc/feedd/feedd.toml");
  BOOST_TEST(read_etc, elsewhere.output);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
