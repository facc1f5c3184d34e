// feedd's configuration: one plain struct, parsed once from TOML at start-up (and on SIGHUP),
// then passed down as const&. Every key has a default except site.base_url. Parsing fails
// with a ConfigError naming the file, the key and its line for unknown keys, wrong types
// and bad values. Immutable after parsing; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/defaults.h"
#include "feeds/site_options.h"
#include "storage/readers/reader_options.h"

namespace feedd::daemon {

struct LanguageConfig {
  std::string code;                  // table name under [languages], e.g. "ja"
  std::string title;                 // default: the code
  std::string description;           // default: ""
  std::vector<std::string> markers;  // title prefixes that mark this language; default none
};

struct Config {
  std::filesystem::path source;  // the file it was read from

  struct Site {
    std::string base_url;                  // required; normalised to end with '/'
    std::string feeds_url;                 // default: base_url; ends with '/'
    std::string author;                    // default: ""
    std::string timezone = "UTC";          // IANA name
    std::chrono::minutes default_time{0};  // "HH:MM", default 00:00
    std::string default_language;          // default: the first language
    std::string post_url = "{base_url}{yyyy}/{mm}/{id}.html";
  } site;

  std::vector<LanguageConfig> languages;  // in file order; default: one "ja" language

  struct Store {
    std::filesystem::path path = "posts";  // relative paths are relative to the config file
    std::filesystem::path index;           // default: $STATE_DIRECTORY/index.sqlite or
                                           // ./feedd-index.sqlite
    std::chrono::milliseconds debounce{50};
    std::chrono::seconds rescan{600};
    std::uint64_t max_file_bytes = 16 * 1024 * 1024;  // larger post files are problems, unread
    // Where an edited post's updated time comes from (README "Times from the store"):
    // "auto" (git when path is in a git work tree, else seen), "git", "seen".
    std::string updated_from = "auto";
  } store;

  struct Feeds {
    int entries = 20;
    bool full_content = true;         // content = "full" | "summary"
    int topic_entries = 20;           // entries per tag/category feed
    std::size_t topic_cache_mb = 64;  // MiB of topic feeds rendered on request kept in memory
    int delta_versions = 32;          // RFC 3229 versions remembered per feed; 0: no deltas
    int tombstone_days = 30;          // RFC 6721 deleted-entry lifetime; 0: no tombstones
    int archive_size = 100;           // posts per RFC 5005 archive page
    int archive_max_age_s = 86400;    // Cache-Control max-age of archive pages
  } feeds;

  struct Server {
    std::vector<std::string> listen{"127.0.0.1:8080"};
    int threads = 0;  // 0: one per core
    int max_age_s = defaults::kMaxAgeSeconds;
    std::chrono::seconds timeout = defaults::kServerTimeout;
    int min_poll_s = 0;                        // polite polling: 429 for faster refetches; 0 off
    std::vector<std::string> trusted_proxies;  // addresses or CIDR ranges
    std::size_t poll_clients = 100000;         // clients polite polling remembers
  } server;

  struct Hooks {
    std::string secret;
    std::filesystem::path secret_file;
    int secret_file_line = 0;  // its line in the file, for the error when it cannot be read
    std::vector<std::string> command;
    std::chrono::seconds command_timeout{60};
    std::uint64_t max_body = defaults::kMaxBody;
  } hooks;

  struct WebSub {
    std::vector<std::string> hubs;       // external hubs to notify (http/https URLs)
    bool builtin_hub = false;            // feedd is a hub at <site.feeds_url>websub
    std::chrono::seconds lease{864000};  // granted when none or a longer one is asked
    int max_attempts = 8;                // delivery and publish attempts
    bool allow_private_callbacks = false;
    std::size_t max_subscriptions = 10000;
    // Pings and deliveries started per second at most (bursts of 64); 0: no limit.
    std::size_t max_deliveries_per_s = 1500;
    // Every hub to advertise: the external ones, then the built-in one.
    std::vector<std::string> advertised(const std::string& feeds_url) const;
  } websub;
  struct Cache {
    // HTTP caches (http://host[:port]/) sent PURGE <path> for every path whose bytes changed.
    std::vector<std::string> purge;
  } cache;

  // The options the readers and renderers take, derived from the fields above.
  storage::ReaderOptions reader_options() const;
  feeds::SiteOptions site_options() const;
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads and validates `path`. Throws ConfigError with "path:line: reason".
Config load_config(const std::filesystem::path& path);
// Same, from text already in memory (`path` names it in errors and anchors relative paths).
Config parse_config(std::string_view toml_text, const std::filesystem::path& path);

// The default --config: /etc/feedd/feedd.toml, or etc/feedd.toml when run in a source tree.
std::filesystem::path default_config_path();

// The keys a SIGHUP cannot apply, because what they shape is made once at start (the
// listening sockets, the threads, the request limits, polite polling, the topic feeds'
// cache, WebSub), that differ between `running` and `next`; their names, in file order.
std::vector<std::string> keys_needing_restart(const Config& running, const Config& next);

}  // namespace feedd::daemon
