#include "daemon/serve.h"

#include <signal.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "daemon/feed_generation.h"
#include "daemon/http_server.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/snapshot_store.h"
#include "feeds/html_pages.h"

namespace feedd::daemon {
namespace {

constexpr std::string_view kChannel = "serve";

std::chrono::sys_seconds now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) {
    out += (out.empty() ? "" : " ") + part;
  }
  return out;
}

// Sockets passed by systemd socket activation (LISTEN_FDS), if any.
std::vector<int> inherited_sockets() {
  std::vector<int> fds;
  const int count = sd_listen_fds(1);
  for (int i = 0; i < count; ++i) {
    fds.push_back(SD_LISTEN_FDS_START + i);
  }
  return fds;
}

std::size_t count_feeds(const feeds::Snapshot& snapshot) {
  std::size_t count = 0;
  for (const auto& [path, resource] : snapshot.resources()) {
    count += path.ends_with(".xml") || path.ends_with(".json");
  }
  return count;
}

}  // namespace

std::shared_ptr<const feeds::Snapshot> build_snapshot(SiteGenerator& generator,
                                                      const Config& config,
                                                      std::chrono::sys_seconds now,
                                                      std::uint64_t generation,
                                                      const feeds::Snapshot* previous) {
  const auto contents = collect_feeds(generator.index(), config, generator.site(), now);
  std::vector<feeds::ResourceSource> sources;
  for (auto& feed : feeds::render_feed_set(generator.site(), contents)) {
    // Browsers get the same bytes as generic XML / JSON, which they display (with
    // feed.css) instead of showing the feed as plain text or downloading it.
    std::string browser_type = feed.path.ends_with(".xml") ? "application/xml; charset=utf-8"
                                                           : "application/json";
    sources.push_back({"/" + feed.path, std::move(feed.content_type), std::move(feed.body),
                       feed.last_modified, true, std::move(browser_type)});
  }
  for (auto& page : feeds::render_pages(generator.site(), contents)) {
    sources.push_back({"/" + page.path, std::move(page.content_type), std::move(page.body),
                       page.last_modified, true});
  }
  // The stylesheet changes only with the program: dated by the first snapshot that has it.
  sources.push_back({"/feed.css", "text/css; charset=utf-8", std::string(feeds::feed_css()),
                     std::chrono::sys_seconds::max(), true});
  std::vector<std::pair<std::string, std::size_t>> posts;
  for (const LanguageConfig& language : config.languages) {
    posts.emplace_back(language.code, generator.index().newest(language.code, now, -1).size());
  }
  return feeds::Snapshot::build(std::move(sources), now, generation, previous,
                                std::move(posts));
}

int run_serve(const Config& config, const ServeOptions& options) {
  // Block the signals before any thread starts, so that only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SiteGenerator generator(config);
  auto now = now_seconds();
  auto report = generator.scan(now);
  if (report.store_missing) {
    log::error(kChannel, config.store.path.string() +
                             ": the store directory does not exist (set store.path in " +
                             config.source.string() + ")");
    return 1;
  }
  std::uint64_t generation = 1;
  SnapshotStore store(build_snapshot(generator, config, now, generation, nullptr));
  Metrics metrics;

  ServerOptions server_options;
  server_options.inherited_fds = inherited_sockets();
  if (server_options.inherited_fds.empty()) {
    server_options.listen = config.server.listen;
  } else {
    server_options.listen.clear();
  }
  server_options.threads = config.server.threads;
  server_options.timeout = config.server.timeout;
  server_options.max_body = config.hooks.max_body;
  server_options.max_age_s = config.server.max_age_s;
  server_options.hooks_configured = !config.hooks.secret.empty() ||
                                     !config.hooks.secret_file.empty();
  server_options.access_log = options.access_log;
  HttpServer server(std::move(server_options), store, metrics);
  server.start();
  const auto snapshot = store.load();
  log::info(kChannel, "feedd " FEEDD_VERSION " serving " + std::to_string(count_feeds(*snapshot)) +
                          " feeds on " + join(server.addresses()) + " (" +
                          std::to_string(server.threads()) + " threads, up to " +
                          std::to_string(server.max_connections()) + " connections" +
                          (options.access_log ? ", access log on" : "") + ")");
  sd_notify(0, "READY=1\nSTATUS=serving");

  for (;;) {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) != 0) {
      continue;
    }
    if (signal_number != SIGHUP) {
      log::info(kChannel, std::string("received ") + strsignal(signal_number) +
                              ": finishing in-flight responses");
      sd_notify(0, "STOPPING=1");
      break;
    }
    try {
      now = now_seconds();
      generator.scan(now);
      auto previous = store.load();
      auto next = build_snapshot(generator, config, now, ++generation, previous.get());
      const std::size_t reused = next->reused();
      const std::size_t total = next->resources().size();
      store.publish(std::move(next));
      log::info(kChannel, "SIGHUP: snapshot " + std::to_string(generation) + " published, " +
                              std::to_string(total - reused) + " of " + std::to_string(total) +
                              " resources changed");
    } catch (const std::exception& error) {
      log::error(kChannel, std::string("rebuild failed, still serving the last snapshot: ") +
                               error.what());
    }
  }
  server.stop();
  server.wait();
  log::info(kChannel, "stopped");
  return 0;
}

}  // namespace feedd::daemon
