// Configuration parsing: defaults, validation with key and line, derived options.
#include "daemon/config.h"

#include <date/tz.h>

#include <boost/test/unit_test.hpp>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(config_test)

namespace {

std::string error_of(std::string_view toml) {
  try {
    parse_config(toml, "/etc/feedd/feedd.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(minimal_config_gets_every_default) {
  auto config = parse_config("[site]\nbase_url = \"https://b.example\"\n", "/etc/feedd/feedd.toml");
  BOOST_TEST(config.site.base_url == "https://b.example/");
  BOOST_TEST(config.site.feeds_url == "https://b.example/");
  BOOST_TEST(config.site.timezone == "UTC");
  BOOST_TEST(config.languages.size() == 1u);
  BOOST_TEST(config.site.default_language == "ja");
  BOOST_TEST(config.store.path == "/etc/feedd/posts");
  BOOST_TEST(config.store.debounce.count() == 50);
  BOOST_TEST(config.store.rescan.count() == 600);
  BOOST_TEST(config.store.max_file_bytes == 16777216u);
  BOOST_TEST(config.reader_options().max_file_bytes == 16777216u);
  BOOST_TEST(config.feeds.entries == 20);
  BOOST_TEST(config.feeds.full_content);
  BOOST_TEST(config.server.listen == std::vector<std::string>{"127.0.0.1:8080"});
  BOOST_TEST(config.server.max_age_s == 300);
  BOOST_TEST(config.server.timeout.count() == 30);
  BOOST_TEST(config.hooks.max_body == 1048576u);
  BOOST_TEST(config.hooks.command_timeout.count() == 60);
}

BOOST_AUTO_TEST_CASE(languages_keep_file_order_and_markers_sort_longest_first) {
  auto config = parse_config(R"([site]
base_url = "https://b.example/"
timezone = "Asia/Tokyo"
default_time = "09:30"
[languages.ja]
title = "ブログ"
[languages.en]
title = "Blog"
markers = ["[EN]", "[Eng]"]
)",
                             "/x/feedd.toml");
  BOOST_REQUIRE_EQUAL(config.languages.size(), 2u);
  BOOST_TEST(config.languages[0].code == "ja");
  BOOST_TEST(config.languages[1].code == "en");
  auto reader = config.reader_options();
  BOOST_TEST(reader.default_time.count() == 9 * 60 + 30);
  BOOST_REQUIRE_EQUAL(reader.markers.size(), 2u);
  BOOST_TEST(reader.markers[0].marker == "[Eng]");
  BOOST_TEST(reader.timezone->name() == "Asia/Tokyo");
  auto site = config.site_options();
  BOOST_TEST(site.languages[1].title == "Blog");
}

BOOST_AUTO_TEST_CASE(errors_name_the_key_and_line) {
  BOOST_TEST(
      error_of("[site]\n") ==
      "/etc/feedd/feedd.toml: site.base_url is required (e.g. \"https://blog.example.org/\")");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\ncolour = 1\n") ==
             "/etc/feedd/feedd.toml:3: unknown key site.colour");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[stor]\npath = \"x\"\n") ==
             "/etc/feedd/feedd.toml:3: unknown key stor");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[feeds]\nentries = \"ten\"\n") ==
             "/etc/feedd/feedd.toml:4: feeds.entries: expected an integer");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\ntimezone = \"Mars/Olympus\"\n")
                 .find("unknown IANA time zone") != std::string::npos);
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[feeds]\ncontent = \"some\"\n")
                 .find("feeds.content") != std::string::npos);
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\ntimeout_s = 0\n") ==
             "/etc/feedd/feedd.toml:4: server.timeout_s: must be between 1 and 3600");
  // A server.listen entry serve could not bind is refused by every command, with its line.
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\nlisten = [\"nothost\"]\n") ==
             "/etc/feedd/feedd.toml:4: server.listen: \"nothost\": expected host:port");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\nlisten = [\"[::1]:8080\", "
                      "\"127.0.0.1:99999\"]\n") ==
             "/etc/feedd/feedd.toml:4: server.listen: \"127.0.0.1:99999\": bad port");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\nlisten = []\n") ==
             "/etc/feedd/feedd.toml:4: server.listen: empty: name at least one address (sockets "
             "passed by systemd are used instead when there are any)");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\nlisten = [\"localhost:80\"]\n")
                 .find("server.listen: \"localhost:80\": bad address") != std::string::npos);
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\nlisten = [\"::1:8080\"]\n") ==
             "/etc/feedd/feedd.toml:4: server.listen: \"::1:8080\": an IPv6 address goes in "
             "brackets, as in [::1]:8080");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\nlisten = [\"[::1]\"]\n") ==
             "/etc/feedd/feedd.toml:4: server.listen: \"[::1]\": expected host:port, as in "
             "[::1]:8080");
  for (const char* port : {"+80", " 80", "", "080800"}) {
    BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\nlisten = [\"127.0.0.1:" +
                        std::string(port) + "\"]\n")
                       .find("bad port") != std::string::npos,
               port);
  }
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\nlisten = [\"*:8080\", "
                      "\":0\", \"[::]:0\"]\n")
                 .empty());
  // A bad value names its line, as an unknown key does.
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\ntimezone = \"Mars/Olympus\"\n")
                 .find("/etc/feedd/feedd.toml:3: site.timezone: unknown IANA time zone") == 0u);
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\ndefault_language = \"fr\"\n"
                      "[languages.ja]\n[languages.en]\n") ==
             "/etc/feedd/feedd.toml:3: site.default_language: \"fr\" is not one of "
             "[languages.*] (ja, en)");
  // A language code names a directory of feeds: a language tag's shape only.
  for (const char* bad : {"../evil",      "tags/x",    "en_US", "",        "-en",
                          "en-",          "en--us",    "e n",   "1en",     "abcdefghi",
                          "en-abcdefghi", "ja\\u00e9", "tags",  "archive", "websub",
                          "healthz",      "metrics",   "e",     "x",       "english"}) {
    BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[languages.ja]\n[languages.\"" +
                        std::string(bad) + "\"]\n")
                       .find("/etc/feedd/feedd.toml:4: languages.\"") == 0u,
               bad);
  }
  for (const char* good :
       {"en", "pt-BR", "zh-Hant-TW", "x-klingon", "de-1996", "EN", "i-default", "gsw", "es-419"}) {
    BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[languages.ja]\n[languages.\"" +
                        std::string(good) + "\"]\n")
                   .empty(),
               good);
  }
  // Tags ignore case: "en" and "EN" are one language (one directory on some file systems).
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[languages.en]\n[languages.EN]\n") ==
             "/etc/feedd/feedd.toml:4: languages.\"EN\": the same language as languages.\"en\" "
             "(tags ignore case)");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\ndefault_time = \"25:00\"\n") ==
             "/etc/feedd/feedd.toml:3: site.default_time: must be \"HH:MM\", got \"25:00\"");
  BOOST_TEST(error_of("[site]\nbase_url = \"ftp://b/\"\n")
                 .find("/etc/feedd/feedd.toml:2: site.base_url: must be an absolute http(s) URL") ==
             0u);
  BOOST_TEST(
      error_of("[site]\nbase_url = \"https://b/\"\n[feeds]\n\ncontent = \"some\"\n") ==
      "/etc/feedd/feedd.toml:5: feeds.content: must be \"full\" or \"summary\", got \"some\"");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[server]\ntrusted_proxies = [\"x\"]\n")
                 .find("/etc/feedd/feedd.toml:4: server.trusted_proxies: \"x\"") == 0u);
  BOOST_TEST(
      error_of("[site]\nbase_url = \"https://b/\"\npost_url = \"{base_url}{year}/{id}\"\n") ==
      "/etc/feedd/feedd.toml:3: site.post_url: unknown field {year} (known: {base_url} "
      "{yyyy} {mm} {dd} {id} {slug} {lang})");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\npost_url = \"{base_url}{id\"\n") ==
             "/etc/feedd/feedd.toml:3: site.post_url: a { without its } at byte 11");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\npost_url = "
                      "\"{base_url}{lang}/{yyyy}/{mm}/{dd}/{slug}-{id}.html\"\n")
                 .empty());
  BOOST_TEST(error_of("[site\n").find("/etc/feedd/feedd.toml:1:") == 0u);
  BOOST_TEST(error_of("[site]\nbase_url = \"ftp://b/\"\n").find("http(s)") != std::string::npos);
}

// What a reload cannot apply is named (and only that): a warning, not silence.
BOOST_AUTO_TEST_CASE(keys_a_reload_cannot_apply_are_named) {
  const std::string site = "[site]\nbase_url = \"https://b/\"\n";
  auto config = [&](const std::string& rest) { return parse_config(site + rest, "/f.toml"); };
  const auto start = config("");
  BOOST_TEST(keys_needing_restart(start, config("[feeds]\nentries = 5\n[server]\nmax_age_s = 9\n"))
                 .empty());
  BOOST_TEST(
      keys_needing_restart(start, config("[feeds]\ntopic_cache_mb = 8\n[server]\nthreads = 3\n"
                                         "trusted_proxies = [\"10.0.0.1\"]\n[hooks]\nmax_body = 9\n"
                                         "[websub]\nhubs = [\"https://hub.example/\"]\n")) ==
          (std::vector<std::string>{"feeds.topic_cache_mb", "server.threads",
                                    "server.trusted_proxies", "hooks.max_body", "websub.hubs"}),
      boost::test_tools::per_element());
  // The built-in hub's URLs and subscriptions file are fixed at its start.
  const auto hub = config("[websub]\nbuiltin_hub = true\n");
  BOOST_TEST(
      keys_needing_restart(hub, config("feeds_url = \"https://f/\"\n[websub]\nbuiltin_hub = "
                                       "true\n")) == (std::vector<std::string>{"site.feeds_url"}),
      boost::test_tools::per_element());
  BOOST_TEST(keys_needing_restart(start, config("feeds_url = \"https://f/\"\n")).empty());
}

BOOST_AUTO_TEST_CASE(store_updated_from_and_cache_purge) {
  const std::string site = "[site]\nbase_url = \"https://b/\"\n";
  auto defaults = parse_config(site, "/etc/feedd/feedd.toml");
  BOOST_TEST(defaults.store.updated_from == "auto");
  BOOST_TEST(defaults.cache.purge.empty());
  auto set = parse_config(site +
                              "[store]\nupdated_from = \"git\"\n[cache]\npurge = "
                              "[\"http://127.0.0.1:6081/\", \"http://cache:80/\"]\n",
                          "/etc/feedd/feedd.toml");
  BOOST_TEST(set.store.updated_from == "git");
  BOOST_TEST(set.cache.purge ==
             (std::vector<std::string>{"http://127.0.0.1:6081/", "http://cache:80/"}));
  BOOST_TEST(error_of(site + "[store]\nupdated_from = \"mtime\"\n") ==
             "/etc/feedd/feedd.toml:4: store.updated_from: must be \"auto\", \"git\" or \"seen\", "
             "got \"mtime\"");
  BOOST_TEST(error_of(site + "[cache]\npurge = [\"https://cache/\"]\n") ==
             "/etc/feedd/feedd.toml:4: cache.purge: \"https://cache/\" is not an http:// URL (e.g. "
             "\"http://127.0.0.1:6081/\")");
  BOOST_TEST(error_of(site + "[cache]\nttl = 1\n").find("cache.ttl") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(store_max_file_bytes) {
  auto config = parse_config("[site]\nbase_url = \"https://b/\"\n[store]\nmax_file_bytes = 4096\n",
                             "/etc/feedd/feedd.toml");
  BOOST_TEST(config.store.max_file_bytes == 4096u);
  BOOST_TEST(config.reader_options().max_file_bytes == 4096u);
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[store]\nmax_file_bytes = 0\n") ==
             "/etc/feedd/feedd.toml:4: store.max_file_bytes: must be between 1 and 1073741824");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[store]\nmax_file_bytes = \"16M\"\n") ==
             "/etc/feedd/feedd.toml:4: store.max_file_bytes: expected an integer");
}

BOOST_AUTO_TEST_CASE(topic_feed_keys) {
  auto defaults = parse_config("[site]\nbase_url = \"https://b/\"\n", "/etc/feedd/feedd.toml");
  BOOST_TEST(defaults.feeds.topic_entries == 20);
  BOOST_TEST(defaults.feeds.topic_cache_mb == 64u);
  auto config = parse_config(
      "[site]\nbase_url = \"https://b/\"\n[feeds]\ntopic_entries = 5\ntopic_cache_mb = 8\n",
      "/etc/feedd/feedd.toml");
  BOOST_TEST(config.feeds.topic_entries == 5);
  BOOST_TEST(config.feeds.topic_cache_mb == 8u);
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[feeds]\ntopic_entries = 0\n") ==
             "/etc/feedd/feedd.toml:4: feeds.topic_entries: must be between 1 and 10000");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[feeds]\ntopic_cache_mb = -1\n") ==
             "/etc/feedd/feedd.toml:4: feeds.topic_cache_mb: must be between 1 and 1048576");
}

BOOST_AUTO_TEST_CASE(delta_and_tombstone_keys) {
  auto defaults = parse_config("[site]\nbase_url = \"https://b/\"\n", "/etc/feedd/feedd.toml");
  BOOST_TEST(defaults.feeds.delta_versions == 32);
  BOOST_TEST(defaults.feeds.tombstone_days == 30);
  auto config = parse_config(
      "[site]\nbase_url = \"https://b/\"\n[feeds]\ndelta_versions = 0\ntombstone_days = 7\n",
      "/etc/feedd/feedd.toml");
  BOOST_TEST(config.feeds.delta_versions == 0);
  BOOST_TEST(config.feeds.tombstone_days == 7);
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[feeds]\ndelta_versions = -1\n") ==
             "/etc/feedd/feedd.toml:4: feeds.delta_versions: must be between 0 and 1000");
  BOOST_TEST(error_of("[site]\nbase_url = \"https://b/\"\n[feeds]\ntombstone_days = 1.5\n") ==
             "/etc/feedd/feedd.toml:4: feeds.tombstone_days: expected an integer");
}

BOOST_AUTO_TEST_CASE(sample_config_is_valid) {
  auto config = load_config(FEEDD_SOURCE_DIR "/etc/feedd.toml");
  BOOST_TEST(config.languages.size() == 2u);
  BOOST_TEST(config.site.timezone == "Asia/Tokyo");
}

BOOST_AUTO_TEST_CASE(websub_keys) {
  const std::string site =
      "[site]\nbase_url = \"https://b.example\"\nfeeds_url = \"https://b.example/f\"\n";
  auto defaults = parse_config(site, "/etc/feedd/feedd.toml");
  BOOST_TEST(defaults.websub.hubs.empty());
  BOOST_TEST(!defaults.websub.builtin_hub);
  BOOST_TEST(defaults.websub.lease.count() == 864000);
  BOOST_TEST(defaults.websub.max_attempts == 8);
  BOOST_TEST(!defaults.websub.allow_private_callbacks);
  BOOST_TEST(defaults.websub.max_subscriptions == 10000u);
  BOOST_TEST(defaults.websub.max_deliveries_per_s == 1500u);
  BOOST_TEST(defaults.site_options().hubs.empty());
  auto config =
      parse_config(site +
                       "[websub]\nhubs = [\"https://hub.example/\"]\nbuiltin_hub = true\n"
                       "lease_s = 3600\nmax_attempts = 3\nallow_private_callbacks = true\n"
                       "max_subscriptions = 5\nmax_deliveries_per_s = 0\n",
                   "/etc/feedd/feedd.toml");
  BOOST_TEST(config.websub.lease.count() == 3600);
  BOOST_TEST(config.websub.max_attempts == 3);
  BOOST_TEST(config.websub.allow_private_callbacks);
  BOOST_TEST(config.websub.max_subscriptions == 5u);
  BOOST_TEST(config.websub.max_deliveries_per_s == 0u);
  BOOST_TEST(config.site_options().hubs ==
             (std::vector<std::string>{"https://hub.example/", "https://b.example/f/websub"}));
  BOOST_TEST(error_of(site + "[websub]\nhubs = [\"ftp://x/\"]\n") ==
             "/etc/feedd/feedd.toml:5: websub.hubs: not an http(s) URL: ftp://x/");
  BOOST_TEST(error_of(site + "[websub]\nbuiltin_hub = 1\n") ==
             "/etc/feedd/feedd.toml:5: websub.builtin_hub: expected true or false");
  BOOST_TEST(error_of(site + "[websub]\nmax_attempts = 0\n") ==
             "/etc/feedd/feedd.toml:5: websub.max_attempts: must be between 1 and 100");
  BOOST_TEST(error_of(site + "[websub]\nhub = []\n") ==
             "/etc/feedd/feedd.toml:5: unknown key websub.hub");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
