#include "daemon/config.h"

#include <date/tz.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/text.h"
#include "daemon/config_table.h"
#include "daemon/http/client_address.h"
#include "daemon/http/listen_address.h"
#include "feeds/render.h"

namespace feedd::daemon {
namespace {

std::string with_trailing_slash(std::string url) {
  if (!url.empty() && url.back() != '/') {
    url.push_back('/');
  }
  return url;
}

bool is_http_url(const std::string& url) {
  return (url.starts_with("https://") || url.starts_with("http://")) &&
         url.find('/', url.find("//") + 2) != std::string::npos;
}

std::chrono::minutes parse_time_of_day(const std::string& text, bool& ok) {
  ok = false;
  int hours = 0;
  int minutes = 0;
  char colon = 0;
  std::istringstream in(text);
  if (text.size() == 5 && (in >> hours >> colon >> minutes) && colon == ':' && hours >= 0 &&
      hours < 24 && minutes >= 0 && minutes < 60) {
    ok = true;
  }
  return std::chrono::hours(hours) + std::chrono::minutes(minutes);
}

std::filesystem::path anchored(const std::filesystem::path& file, const std::filesystem::path& p) {
  if (p.empty() || p.is_absolute()) {
    return p;
  }
  return file.parent_path() / p;
}

// [site]: the URLs, time zone and defaults every feed is built with.
void read_site(TableReader& top, const std::filesystem::path& path, Config::Site& site_config) {
  TableReader site(subtable(top, "site", path), "site.", path);
  site.read("base_url", site_config.base_url);
  site.read("feeds_url", site_config.feeds_url);
  site.read("author", site_config.author);
  site.read("timezone", site_config.timezone);
  std::string default_time = "00:00";
  site.read("default_time", default_time);
  site.read("default_language", site_config.default_language);
  site.read("post_url", site_config.post_url);
  site.reject_unknown();

  if (site_config.base_url.empty()) {
    throw ConfigError(path.string() +
                      ": site.base_url is required (e.g. \"https://blog.example.org/\")");
  }
  if (!is_http_url(site_config.base_url + "/")) {
    site.reject("base_url",
                "must be an absolute http(s) URL, got \"" + site_config.base_url + "\"");
  }
  site_config.base_url = with_trailing_slash(site_config.base_url);
  site_config.feeds_url = with_trailing_slash(
      site_config.feeds_url.empty() ? site_config.base_url : site_config.feeds_url);
  if (!is_http_url(site_config.feeds_url)) {
    site.reject("feeds_url", "must be an absolute http(s) URL");
  }
  try {
    (void)date::locate_zone(site_config.timezone);
  } catch (const std::exception&) {
    site.reject("timezone", "unknown IANA time zone \"" + site_config.timezone +
                                "\" (e.g. \"Asia/Tokyo\"; is tzdata installed?)");
  }
  if (const auto problem = feeds::post_url_problem(site_config.post_url)) {
    site.reject("post_url", *problem);
  }
  bool ok = false;
  site_config.default_time = parse_time_of_day(default_time, ok);
  if (!ok) {
    site.reject("default_time", "must be \"HH:MM\", got \"" + default_time + "\"");
  }
}

// Whether `code` has a language tag's shape (RFC 5646 §2.1): a language subtag of 2 or 3
// letters (or "x"/"i" for private and grandfathered tags), then subtags of 1 to 8 letters and
// digits joined by '-': "ja", "en", "pt-BR", "zh-Hant-TW", "x-klingon". It names the
// language's directory of feeds (/CODE/atom.xml, DIR/CODE/ of `feedd build`) and its xml:lang
// and hreflang, so "../x" or "tags/x" must not pass, nor a first subtag that is one of
// feedd's own paths ("tags", "archive", "websub", "healthz", "metrics": 4 letters or more).
bool is_language_tag(std::string_view code) {
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::size_t first_end = std::min(code.find('-'), code.size());
  const std::string_view language = code.substr(0, first_end);
  const bool singleton = language == "x" || language == "X" || language == "i" || language == "I";
  if (!(singleton || (language.size() >= 2 && language.size() <= 3)) ||
      !std::all_of(language.begin(), language.end(), alpha)) {
    return false;
  }
  if (singleton && first_end == code.size()) {
    return false;  // "x" alone is no tag
  }
  const auto alnum = [&](char c) { return alpha(c) || digit(c); };
  std::string_view rest = code.substr(first_end);  // "" or "-..."
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '-'
    const std::size_t end = std::min(rest.find('-'), rest.size());
    const std::string_view subtag = rest.substr(0, end);
    if (subtag.empty() || subtag.size() > 8 || !std::all_of(subtag.begin(), subtag.end(), alnum)) {
      return false;
    }
    rest.remove_prefix(end);
  }
  return true;
}

// [languages.*], in the order of the file; settles site.default_language.
void read_languages(TableReader& top, const std::filesystem::path& path, Config& config) {
  const auto& languages = subtable(top, "languages", path);
  for (const auto& [code, node] : languages) {
    const auto* table = node.as_table();
    if (!table) {
      throw ConfigError(path.string() + ":" + std::to_string(node.source().begin.line) +
                        ": languages." + std::string(code.str()) + ": expected a table");
    }
    if (!is_language_tag(code.str())) {
      throw ConfigError(
          path.string() + ":" + std::to_string(node.source().begin.line) + ": languages.\"" +
          std::string(code.str()) +
          "\": not a language tag (2 or 3 letters, or x or i, then subtags of letters "
          "and digits after '-', e.g. \"en\" or \"pt-BR\")");
    }
    LanguageConfig language;
    language.code = std::string(code.str());
    TableReader reader(*table, "languages." + language.code + ".", path);
    language.title = language.code;
    reader.read("title", language.title);
    reader.read("description", language.description);
    reader.read("markers", language.markers);
    reader.reject_unknown();
    config.languages.push_back(std::move(language));
  }
  // toml++ tables are ordered by key; keep the order of the file instead.
  std::sort(config.languages.begin(), config.languages.end(), [&](const auto& a, const auto& b) {
    return languages.get(a.code)->source().begin < languages.get(b.code)->source().begin;
  });
  // Tags ignore case (RFC 5646 §2.1.1): "en" and "EN" would be one language in two feeds (and
  // one directory on a file system that ignores case too).
  for (auto later = config.languages.begin(); later != config.languages.end(); ++later) {
    for (auto earlier = config.languages.begin(); earlier != later; ++earlier) {
      if (common::text::iequals(earlier->code, later->code)) {
        throw ConfigError(path.string() + ":" +
                          std::to_string(languages.get(later->code)->source().begin.line) +
                          ": languages.\"" + later->code + "\": the same language as languages.\"" +
                          earlier->code + "\" (tags ignore case)");
      }
    }
  }
  if (config.languages.empty()) {
    config.languages.push_back({"ja", "ja", "", {}});
  }
  if (config.site.default_language.empty()) {
    config.site.default_language = config.languages.front().code;
  }
  bool known = std::any_of(config.languages.begin(), config.languages.end(),
                           [&](const auto& l) { return l.code == config.site.default_language; });
  if (!known) {
    std::string codes;
    for (const auto& language : config.languages) {
      codes += (codes.empty() ? "" : ", ") + language.code;
    }
    TableReader(subtable(top, "site", path), "site.", path)
        .reject("default_language", "\"" + config.site.default_language +
                                        "\" is not one of [languages.*] (" + codes + ")");
  }
}

// The index file when store.index is not set: systemd's StateDirectory, else the working dir.
std::filesystem::path default_index_path() {
  if (const char* state = std::getenv("STATE_DIRECTORY"); state != nullptr && *state != '\0') {
    // systemd may pass several directories separated by ':'; the first is ours.
    std::string first(state);
    return std::filesystem::path(first.substr(0, first.find(':'))) / "index.sqlite";
  }
  return "feedd-index.sqlite";
}

// [store]
void read_store(TableReader& top, const std::filesystem::path& path, Config::Store& config) {
  TableReader store(subtable(top, "store", path), "store.", path);
  std::string store_path = config.path.string();
  std::string index_path;
  // Unset keys keep the defaults of Config's fields (config.h): each default is written once.
  std::int64_t debounce_ms = config.debounce.count();
  std::int64_t rescan_s = config.rescan.count();
  store.read("path", store_path);
  store.read("index", index_path);
  store.read("debounce_ms", debounce_ms, 0, 60'000);
  store.read("rescan_s", rescan_s, 0, 86'400 * 7);
  auto max_file_bytes = static_cast<std::int64_t>(config.max_file_bytes);
  store.read("max_file_bytes", max_file_bytes, 1, std::int64_t{1} << 30);
  store.read("updated_from", config.updated_from);
  store.reject_unknown();
  if (config.updated_from != "auto" && config.updated_from != "git" &&
      config.updated_from != "seen") {
    store.reject("updated_from",
                 "must be \"auto\", \"git\" or \"seen\", got \"" + config.updated_from + "\"");
  }
  config.max_file_bytes = static_cast<std::uint64_t>(max_file_bytes);
  config.path = anchored(path, store_path);
  config.index = index_path.empty() ? default_index_path() : anchored(path, index_path);
  config.debounce = std::chrono::milliseconds(debounce_ms);
  config.rescan = std::chrono::seconds(rescan_s);
}

// [feeds]
void read_feeds(TableReader& top, const std::filesystem::path& path, Config::Feeds& config) {
  TableReader feeds(subtable(top, "feeds", path), "feeds.", path);
  std::int64_t entries = config.entries;
  std::string content = config.full_content ? "full" : "summary";
  std::int64_t topic_entries = config.topic_entries;
  auto topic_cache_mb = static_cast<std::int64_t>(config.topic_cache_mb);
  feeds.read("entries", entries, 1, 10'000);
  feeds.read("content", content);
  feeds.read("topic_entries", topic_entries, 1, 10'000);
  feeds.read("topic_cache_mb", topic_cache_mb, 1, 1'048'576);
  std::int64_t delta_versions = config.delta_versions;
  std::int64_t tombstone_days = config.tombstone_days;
  feeds.read("delta_versions", delta_versions, 0, 1'000);
  feeds.read("tombstone_days", tombstone_days, 0, 36'500);
  std::int64_t archive_size = config.archive_size;
  std::int64_t archive_max_age_s = config.archive_max_age_s;
  feeds.read("archive_size", archive_size, 1, 100'000);
  feeds.read("archive_max_age_s", archive_max_age_s, 0, 86'400 * 365);
  feeds.reject_unknown();
  config.archive_size = static_cast<int>(archive_size);
  config.archive_max_age_s = static_cast<int>(archive_max_age_s);
  if (content != "full" && content != "summary") {
    feeds.reject("content", "must be \"full\" or \"summary\", got \"" + content + "\"");
  }
  config.entries = static_cast<int>(entries);
  config.full_content = content == "full";
  config.topic_entries = static_cast<int>(topic_entries);
  config.topic_cache_mb = static_cast<std::size_t>(topic_cache_mb);
  config.delta_versions = static_cast<int>(delta_versions);
  config.tombstone_days = static_cast<int>(tombstone_days);
}

// [server]
void read_server(TableReader& top, const std::filesystem::path& path, Config::Server& config) {
  TableReader server(subtable(top, "server", path), "server.", path);
  std::int64_t threads = config.threads;
  std::int64_t max_age_s = config.max_age_s;
  std::int64_t timeout_s = config.timeout.count();
  server.read("listen", config.listen);
  if (config.listen.empty()) {
    // Refused by every command (`check` included), not only by a serve without sockets.
    server.reject("listen",
                  "empty: name at least one address (sockets passed by systemd are "
                  "used instead when there are any)");
  }
  for (const std::string& entry : config.listen) {
    try {
      parse_listen_address(entry);
    } catch (const std::invalid_argument& error) {
      server.reject("listen", "\"" + entry + "\": " + error.what());
    }
  }

  server.read("threads", threads, 0, 256);
  server.read("max_age_s", max_age_s, 0, 86'400 * 365);
  server.read("timeout_s", timeout_s, 1, 3600);
  std::int64_t min_poll_s = config.min_poll_s;
  auto poll_clients = static_cast<std::int64_t>(config.poll_clients);
  server.read("min_poll_s", min_poll_s, 0, 86'400);
  server.read("trusted_proxies", config.trusted_proxies);
  if (auto proxies = TrustedProxies::parse(config.trusted_proxies); !proxies) {
    server.reject("trusted_proxies",
                  "\"" + proxies.error() + "\" is neither an IP address nor a CIDR range");
  }
  server.read("poll_clients", poll_clients, 1, 100'000'000);
  server.reject_unknown();
  config.min_poll_s = static_cast<int>(min_poll_s);
  config.poll_clients = static_cast<std::size_t>(poll_clients);
  config.threads = static_cast<int>(threads);
  config.max_age_s = static_cast<int>(max_age_s);
  config.timeout = std::chrono::seconds(timeout_s);
}

// [hooks]
void read_hooks(TableReader& top, const std::filesystem::path& path, Config::Hooks& config) {
  TableReader hooks(subtable(top, "hooks", path), "hooks.", path);
  std::string secret_file;
  std::int64_t command_timeout_s = config.command_timeout.count();
  auto max_body = static_cast<std::int64_t>(config.max_body);
  hooks.read("secret", config.secret);
  hooks.read("secret_file", secret_file);
  if (const auto* node = hooks.find("secret_file")) {
    config.secret_file_line = static_cast<int>(node->source().begin.line);
  }
  hooks.read("command", config.command);
  hooks.read("command_timeout_s", command_timeout_s, 1, 86'400);
  hooks.read("max_body", max_body, 1, std::int64_t{1} << 30);
  hooks.reject_unknown();
  config.secret_file = anchored(path, secret_file);
  config.command_timeout = std::chrono::seconds(command_timeout_s);
  config.max_body = static_cast<std::uint64_t>(max_body);
}

// [websub]
void read_websub(TableReader& top, const std::filesystem::path& path, Config::WebSub& config) {
  TableReader websub(subtable(top, "websub", path), "websub.", path);
  std::int64_t lease_s = config.lease.count();
  std::int64_t max_attempts = config.max_attempts;
  auto max_subscriptions = static_cast<std::int64_t>(config.max_subscriptions);
  auto max_deliveries_per_s = static_cast<std::int64_t>(config.max_deliveries_per_s);
  websub.read("hubs", config.hubs);
  websub.read("builtin_hub", config.builtin_hub);
  websub.read("lease_s", lease_s, 60, 365 * 86'400);
  websub.read("max_attempts", max_attempts, 1, 100);
  websub.read("allow_private_callbacks", config.allow_private_callbacks);
  websub.read("max_subscriptions", max_subscriptions, 0, 10'000'000);
  websub.read("max_deliveries_per_s", max_deliveries_per_s, 0, 1'000'000);
  for (const auto& hub : config.hubs) {
    if (!is_http_url(hub)) {
      websub.fail(*websub.find("hubs"), "hubs", "not an http(s) URL: " + hub);
    }
  }
  websub.reject_unknown();
  config.lease = std::chrono::seconds(lease_s);
  config.max_attempts = static_cast<int>(max_attempts);
  config.max_subscriptions = static_cast<std::size_t>(max_subscriptions);
  config.max_deliveries_per_s = static_cast<std::size_t>(max_deliveries_per_s);
}

// [cache]
void read_cache(TableReader& top, const std::filesystem::path& path, Config::Cache& config) {
  TableReader cache(subtable(top, "cache", path), "cache.", path);
  cache.read("purge", config.purge);
  cache.reject_unknown();
  for (auto& url : config.purge) {
    if (!url.starts_with("http://") || !is_http_url(url)) {
      cache.reject("purge",
                   "\"" + url + "\" is not an http:// URL (e.g. \"http://127.0.0.1:6081/\")");
    }
  }
}

}  // namespace

std::vector<std::string> Config::WebSub::advertised(const std::string& feeds_url) const {
  std::vector<std::string> all = hubs;
  if (builtin_hub) {
    all.push_back(feeds_url + "websub");
  }
  return all;
}

Config parse_config(std::string_view toml_text, const std::filesystem::path& path) {
  toml::table root;
  try {
    root = toml::parse(toml_text, path.string());
  } catch (const toml::parse_error& error) {
    throw ConfigError(path.string() + ":" + std::to_string(error.source().begin.line) + ": " +
                      std::string(error.description()));
  }

  Config config;
  config.source = path;
  TableReader top(root, "", path);
  read_site(top, path, config.site);
  read_languages(top, path, config);
  read_store(top, path, config.store);
  read_feeds(top, path, config.feeds);
  read_server(top, path, config.server);
  read_hooks(top, path, config.hooks);
  read_websub(top, path, config.websub);
  read_cache(top, path, config.cache);
  top.reject_unknown();
  return config;
}

Config load_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(path.string() + ": cannot read the configuration file (use --config FILE)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

std::filesystem::path default_config_path() {
  // Run from the source tree it was built from (the README's run command), feedd uses the
  // tree's bundled sample; anywhere else (an installed feedd) it uses /etc. The tree is the
  // one CMake compiled in, so no file inside it has to stay where it is for this to work.
  std::error_code ec;
  if (std::filesystem::equivalent(std::filesystem::current_path(ec), FEEDD_SOURCE_DIR, ec) &&
      std::filesystem::exists("etc/feedd.toml", ec)) {
    return "etc/feedd.toml";
  }
  return "/etc/feedd/feedd.toml";
}

storage::ReaderOptions Config::reader_options() const {
  storage::ReaderOptions options;
  options.timezone = date::locate_zone(site.timezone);
  options.default_time = site.default_time;
  options.default_language = site.default_language;
  options.max_file_bytes = static_cast<std::size_t>(store.max_file_bytes);
  for (const auto& language : languages) {
    options.languages.push_back(language.code);
    for (const auto& marker : language.markers) {
      options.markers.push_back({marker, language.code});
    }
  }
  std::stable_sort(options.markers.begin(), options.markers.end(),
                   [](const auto& a, const auto& b) { return a.marker.size() > b.marker.size(); });
  return options;
}

feeds::SiteOptions Config::site_options() const {
  feeds::SiteOptions options;
  options.base_url = site.base_url;
  options.feeds_url = site.feeds_url;
  options.author = site.author;
  options.timezone = date::locate_zone(site.timezone);
  options.post_url_template = site.post_url;
  for (const auto& language : languages) {
    options.languages.push_back({language.code, language.title, language.description});
  }
  options.max_age_s = server.max_age_s;
  options.full_content = feeds.full_content;
  options.hubs = websub.advertised(site.feeds_url);
  return options;
}

std::vector<std::string> keys_needing_restart(const Config& running, const Config& next) {
  std::vector<std::string> keys;
  auto differ = [&keys](const char* key, const auto& a, const auto& b) {
    if (a != b) {
      keys.emplace_back(key);
    }
  };
  const auto& a = running;
  const auto& b = next;
  if (a.websub.builtin_hub) {  // the hub's URLs and its subscriptions' file are fixed at start
    differ("site.feeds_url", a.site.feeds_url, b.site.feeds_url);
    differ("store.index", a.store.index, b.store.index);
  }
  differ("feeds.topic_cache_mb", a.feeds.topic_cache_mb, b.feeds.topic_cache_mb);
  differ("server.listen", a.server.listen, b.server.listen);
  differ("server.threads", a.server.threads, b.server.threads);
  differ("server.timeout_s", a.server.timeout, b.server.timeout);
  differ("server.min_poll_s", a.server.min_poll_s, b.server.min_poll_s);
  differ("server.trusted_proxies", a.server.trusted_proxies, b.server.trusted_proxies);
  differ("server.poll_clients", a.server.poll_clients, b.server.poll_clients);
  differ("hooks.max_body", a.hooks.max_body, b.hooks.max_body);
  differ("websub.hubs", a.websub.hubs, b.websub.hubs);  // pinged: the start's; linked: the new
  differ("websub.builtin_hub", a.websub.builtin_hub, b.websub.builtin_hub);
  differ("websub.lease_s", a.websub.lease, b.websub.lease);
  differ("websub.max_attempts", a.websub.max_attempts, b.websub.max_attempts);
  differ("websub.allow_private_callbacks", a.websub.allow_private_callbacks,
         b.websub.allow_private_callbacks);
  differ("websub.max_subscriptions", a.websub.max_subscriptions, b.websub.max_subscriptions);
  differ("websub.max_deliveries_per_s", a.websub.max_deliveries_per_s,
         b.websub.max_deliveries_per_s);
  return keys;
}

}  // namespace feedd::daemon
