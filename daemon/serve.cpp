#include "daemon/serve.h"

#include <signal.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstring>
#include <string>
#include <thread>

#include "common/clock.h"
#include "daemon/hooks/webhook_endpoint.h"
#include "daemon/hooks/webhook_secret.h"
#include "daemon/http/delta_feeds.h"
#include "daemon/http/http_server.h"
#include "daemon/http/metrics.h"
#include "daemon/http/poll_limiter.h"
#include "daemon/http/snapshot_store.h"
#include "daemon/http/topic_feeds.h"
#include "daemon/live/cache_purger.h"
#include "daemon/live/regenerator.h"
#include "daemon/live/store_watcher.h"
#include "daemon/log.h"
#include "daemon/outbound/outbound_service.h"
#include "daemon/pipeline/snapshot_builder.h"
#include "daemon/systemd_notify.h"
#include "daemon/watchdog.h"
#include "daemon/websub/websub_service.h"
#include "feeds/feed_info.h"

namespace feedd::daemon {
namespace {

constexpr std::string_view kServeChannel = "serve";

std::string join(const std::vector<std::string>& parts, std::string_view separator = " ") {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) {
      out += separator;
    }
    out += part;
  }
  return out;
}

std::size_t count_feeds(const feeds::Snapshot& snapshot) {
  std::size_t count = 0;
  for (const auto& [path, resource] : snapshot.resources()) {
    count += feeds::is_feed_path(path);
  }
  return count;
}

// Everything that follows one configuration: the index, the regenerator and the watcher.
// SIGHUP builds a new one beside the old and swaps them; the HTTP server and the snapshot
// store outlive both, so no connection is dropped.
class Pipeline {
 public:
  Pipeline(Config config, IndexHealth& health)
      : config_(std::move(config)), pipeline_(config_, &health) {}

  // Starts watching the store, before its first scan: a file changed after the scan read it
  // is then seen (its events wait in the queue until attach()), not left unserved until it
  // changes again. What the watcher hears goes to the regenerator attach() makes: both run
  // on `io`, whose handlers run only after attach() (at start-up, and in a reload, which runs
  // on `io` and attaches before it returns).
  void watch(boost::asio::io_context& io) {
    watcher_ = std::make_unique<StoreWatcher>(
        io.get_executor(), config_.store.path, config_.store.debounce,
        [this](const StoreChanges& changes) { follow(changes); });
    // The change is prepared while the watcher waits for the quiet moment (regenerator.h).
    watcher_->on_settled([this](const StoreChanges& changes) {
      regenerator_->prepare_paths(changes.paths, changes.events);
    });
    if (auto ec = watcher_->start()) {
      log::error(kServeChannel, "cannot watch " + config_.store.path.string() + ": " +
                                    ec.message() +
                                    "; changes are seen by the periodic rescan only");
    }
  }

  const Config& config() const { return config_; }
  SitePipeline& pipeline() { return pipeline_; }

  // Starts following the store, publishing into `store` from `generation` on, and purging
  // what each new snapshot changes from the caches of [cache] purge.
  void attach(boost::asio::io_context& io, SnapshotStore& store, std::uint64_t generation,
              Metrics& metrics, HttpClient& client) {
    purger_ =
        std::make_unique<CachePurger>(client, config_.cache.purge, config_.site.feeds_url, metrics);
    regenerator_ = std::make_unique<Regenerator>(io, config_, pipeline_, store, generation);
    regenerator_->on_published([this](const feeds::Snapshot& previous,
                                      const feeds::Snapshot& next) { purge(previous, next); });
    regenerator_->start();
  }

  // Stops watching the store (its inotify watches released); watch() starts again.
  void unwatch() {
    if (watcher_) {
      watcher_->stop();
      watcher_.reset();
    }
  }

  void stop() {
    if (watcher_) {
      watcher_->stop();
    }
    if (regenerator_) {
      regenerator_->stop();
    }
  }

  Regenerator& regenerator() { return *regenerator_; }
  // What the watcher reports at a quiet moment.
  void follow(const StoreChanges& changes) {
    if (changes.rescan_all) {
      regenerator_->rescan_all("store changed (full rescan)");
    } else {
      regenerator_->rescan_paths(changes.paths, changes.events);
    }
  }
  void purge(const feeds::Snapshot& previous, const feeds::Snapshot& next) {
    if (purger_) {
      purger_->purge(previous, next);
    }
  }

 private:
  Config config_;
  SitePipeline pipeline_;
  std::unique_ptr<CachePurger> purger_;
  std::unique_ptr<Regenerator> regenerator_;
  std::unique_ptr<StoreWatcher> watcher_;
};

// A scan on the control thread keeps its watchdog timer from firing, and one that reads the
// whole store again (a first start, a changed site.timezone, a new reader) takes minutes at a
// million posts: past WatchdogSec=, and past TimeoutStartSec= for a start or a reload. So the
// control thread gives a sign of life as it goes: WATCHDOG=1 (when systemd watches), and
// while starting or reloading also what it is doing as STATUS= with more time
// (EXTEND_TIMEOUT_USEC=, which systemd applies to the watchdog's deadline too). The scan
// gives one every 4,096 entries listed and every 1,024 files read; the steps around it
// (a reload's start, the feeds rendered after the scan) give their own. A scan stuck on one
// chunk still meets both time-outs.
enum class ScanStage { starting, serving };
constexpr std::chrono::minutes kMoreTimePerStep{2};

void sign_of_life(ScanStage stage, const std::string& status) {
  if (stage == ScanStage::starting) {
    systemd::notify_progress(status, kMoreTimePerStep);
  }
  static const bool watched = systemd::watchdog_interval().has_value();  // fixed at exec
  if (watched) {
    systemd::notify_watchdog();
  }
}

storage::ScanProgress scan_progress(ScanStage stage) {
  return [stage](const storage::ScanStep& step) {
    if (stage == ScanStage::serving) {
      sign_of_life(stage, {});
    } else if (step.phase == storage::ScanStep::Phase::listing) {
      sign_of_life(stage, "listing the store: " + std::to_string(step.done) + " files found");
    } else {
      sign_of_life(stage, "scanning the store: " + std::to_string(step.done) + " of " +
                              std::to_string(step.total) + " files read");
    }
  };
}

// Scans for `config` into a new pipeline; throws on start-up errors.
std::unique_ptr<Pipeline> open_pipeline(const Config& config, IndexHealth& health,
                                        boost::asio::io_context& io, std::chrono::sys_seconds now) {
  auto pipeline = std::make_unique<Pipeline>(config, health);
  pipeline->watch(io);
  pipeline->pipeline().on_scan_progress(scan_progress(ScanStage::starting));
  storage::ScanReport report;
  try {
    report = pipeline->pipeline().scan(now, SitePipeline::CatalogsBeside::yes);
  } catch (const storage::IndexError& error) {
    if (error.fault() != storage::IndexFault::not_writable) {
      throw;
    }
    // Logged by the pipeline; the regenerator retries until the scan can be saved.
    log::warning(kServeChannel, "serving what the index holds until the scan can be saved");
  }
  pipeline->pipeline().on_scan_progress(scan_progress(ScanStage::serving));
  sign_of_life(ScanStage::starting,
               "rendering the feeds: " + std::to_string(report.files_seen) + " post files scanned");
  if (report.store_missing) {
    // Not fatal: the store may be a mount that comes later; the watcher waits for it.
    log::warning(kServeChannel, config.store.path.string() + ": " +
                                    report.unreadable.front().reason + " (store.path in " +
                                    config.source.string() + "); serving what the index holds");
  }
  return pipeline;
}

// The HTTP server's options from the configuration; sockets passed by systemd replace
// server.listen.
ServerOptions server_options_for(const Config& config, std::vector<int> inherited_fds,
                                 WebhookEndpoint& hooks, const ServeOptions& options) {
  ServerOptions server_options;
  server_options.inherited_fds = std::move(inherited_fds);
  if (server_options.inherited_fds.empty()) {
    server_options.listen = config.server.listen;
  } else {
    server_options.listen.clear();
  }
  server_options.threads = config.server.threads;
  server_options.timeout = config.server.timeout;
  server_options.max_body = config.hooks.max_body;
  server_options.hooks = &hooks;
  server_options.access_log = options.access_log;
  auto proxies = TrustedProxies::parse(config.server.trusted_proxies);
  if (!proxies) {
    throw ConfigError(config.source.string() + ": server.trusted_proxies: \"" + proxies.error() +
                      "\" is neither an IP address nor a CIDR range");
  }
  server_options.trusted_proxies = std::move(*proxies);
  return server_options;
}

// Topic feeds: rendered on the control thread (it owns the index), in whatever pipeline is
// current, when first asked for; cached for the I/O threads.
TopicFeeds topic_feeds_for(const Config& config, boost::asio::io_context& control,
                           std::unique_ptr<Pipeline>& pipeline, Metrics& metrics) {
  return TopicFeeds(
      config.feeds.topic_cache_mb * 1024 * 1024, control.get_executor(),
      [&pipeline](const feeds::CatalogTopic& topic, feeds::FeedFormat format,
                  std::chrono::sys_seconds built_at,
                  const std::shared_ptr<const feeds::FeedVersions>& previous) {
        auto rendered = pipeline->pipeline().render_topic(topic, format, common::now_seconds());
        return feeds::make_resource(
            resource_source(std::move(rendered), pipeline->pipeline().site(),
                            pipeline->config().feeds.delta_versions),
            built_at, previous);
      },
      metrics,
      [&pipeline](const feeds::ArchivePage& page, std::chrono::sys_seconds built_at) {
        auto rendered = pipeline->pipeline().render_archive(page, common::now_seconds());
        return feeds::make_resource(
            resource_source(std::move(rendered), pipeline->pipeline().site()), built_at);
      });
}

// SIGTERM and SIGINT stop the control thread (the caller then drains the server); SIGHUP
// reloads the configuration into a new pipeline beside the running one and swaps them, or
// keeps the running one when the new configuration fails. Control thread only; borrows
// everything it is given for its lifetime.
class SignalHandler {
 public:
  struct Borrowed {
    boost::asio::io_context& control;
    boost::asio::signal_set& signals;
    std::unique_ptr<Pipeline>& pipeline;
    SnapshotStore& store;
    Metrics& metrics;
    OutboundService& outbound;
    WebhookEndpoint& hooks;
    Watchdog& watchdog;
    const Config& started;  // what the server was made with
  };
  explicit SignalHandler(Borrowed borrowed) : b_(borrowed) {}

  void arm() {
    b_.signals.async_wait([this](const boost::system::error_code& ec, int signal_number) {
      on_signal(ec, signal_number);
    });
  }

 private:
  void on_signal(const boost::system::error_code& ec, int signal_number) {
    if (ec) {
      return;
    }
    if (signal_number != SIGHUP) {
      log::info(kServeChannel, std::string("received ") + strsignal(signal_number) +
                                   ": finishing in-flight responses");
      systemd::notify_stopping();
      b_.watchdog.cancel();
      b_.pipeline->stop();
      b_.control.stop();
      return;
    }
    systemd::notify_reloading();
    sign_of_life(ScanStage::starting, "reloading " + b_.pipeline->config().source.string());
    try {
      reload();
    } catch (const std::exception& error) {
      log::error(
          kServeChannel,
          std::string("SIGHUP: reload failed, keeping the running configuration: ") + error.what());
    }
    systemd::notify_ready("serving, snapshot " + std::to_string(b_.store.load()->generation()));
    arm();
  }

  // A new configuration gets a new pipeline; the server keeps its sockets and connections
  // (listen, threads and timeouts take effect on restart). Throws before anything is swapped.
  void reload() {
    auto next_config = load_config(b_.pipeline->config().source);
    auto next_secret = webhook_secret(next_config);
    // A change being prepared holds the index's write lock, which the new pipeline's scan
    // needs; that scan reads the change anyway.
    b_.pipeline->regenerator().drop_prepared();
    // The new pipeline watches the store before its scan; the old watches go first, or the
    // tree would count twice against fs.inotify.max_user_watches. What changes in between,
    // the new scan reads; if the reload fails, the old pipeline watches again and rescans.
    b_.pipeline->unwatch();
    const auto previous = b_.store.load();
    const std::uint64_t next_generation = b_.pipeline->regenerator().generation() + 1;
    std::unique_ptr<Pipeline> next;
    std::shared_ptr<const feeds::Snapshot> snapshot;
    try {
      next =
          open_pipeline(next_config, b_.metrics.index_health(), b_.control, common::now_seconds());
      snapshot = build_snapshot(next->pipeline(), next->config(), common::now_seconds(),
                                next_generation, previous.get());
    } catch (...) {
      b_.pipeline->watch(b_.control);
      b_.pipeline->regenerator().rescan_all("SIGHUP: reload failed; rescanning what changed");
      throw;
    }
    const std::size_t total = snapshot->resources().size();
    const std::size_t changed = total - snapshot->reused();
    std::shared_ptr<const feeds::Snapshot> published = snapshot;
    b_.store.publish(std::move(snapshot));
    b_.pipeline->stop();
    b_.pipeline = std::move(next);
    const Config& config = b_.pipeline->config();
    b_.hooks.set_secret(std::move(next_secret), config.hooks.command, config.hooks.command_timeout);
    b_.pipeline->attach(b_.control, b_.store, next_generation, b_.metrics, b_.outbound.client());
    b_.pipeline->purge(*previous, *published);
    log::info(kServeChannel, "SIGHUP: configuration reloaded from " + config.source.string() +
                                 ", snapshot " + std::to_string(next_generation) + " published, " +
                                 std::to_string(changed) + " of " + std::to_string(total) +
                                 " resources changed");
    if (const auto keys = keys_needing_restart(b_.started, config); !keys.empty()) {
      log::warning(kServeChannel, "SIGHUP: " + join(keys, ", ") +
                                      " changed: the running values stay until the next start");
    }
  }

  Borrowed b_;
};

void announce_serving(const HttpServer& server, const SnapshotStore& store,
                      const ServeOptions& options) {
  const auto snapshot = store.load();
  log::info(kServeChannel,
            "feedd " FEEDD_VERSION " serving " + std::to_string(count_feeds(*snapshot)) +
                " feeds on " + join(server.addresses()) + " (" + std::to_string(server.threads()) +
                " threads, up to " + std::to_string(server.max_connections()) + " connections" +
                (options.access_log ? ", access log on" : "") + ")");
  systemd::notify_ready("serving " + std::to_string(count_feeds(*snapshot)) + " feeds, snapshot " +
                        std::to_string(snapshot->generation()));
}

// Polite polling (server.min_poll_s; 0: off, null): its memory is taken once, here.
std::unique_ptr<PollLimiter> poll_limiter_for(const Config& config) {
  if (config.server.min_poll_s <= 0) {
    return nullptr;
  }
  return std::make_unique<PollLimiter>(std::chrono::seconds(config.server.min_poll_s),
                                       config.server.poll_clients);
}

// WebSub when [websub] asks for it (else null): pings and deliveries on the outbound thread,
// the hub on the I/O threads; [websub] takes effect at start (a SIGHUP changes only the links
// in the documents). Hooks itself into `store`, `metrics` and `server_options`, which outlive it.
std::unique_ptr<WebSubService> start_websub(const Config& config, OutboundService& outbound,
                                            SnapshotStore& store, TopicFeeds& topics,
                                            Metrics& metrics, ServerOptions& server_options) {
  const WebSubOptions websub_options = WebSubOptions::from(config);
  if (!websub_options.enabled()) {
    return nullptr;
  }
  auto websub =
      std::make_unique<WebSubService>(websub_options, config.store.index, outbound, store, &topics);
  WebSubService* service = websub.get();
  store.set_listener([service](const feeds::Snapshot& previous, const feeds::Snapshot& next) {
    service->snapshot_changed(previous, next);
  });
  metrics.add_section([&outbound](std::string& out) { outbound.render_metrics(out); });
  metrics.add_section([service](std::string& out) { service->counters().render(out); });
  server_options.websub = websub_options.builtin_hub ? service : nullptr;
  websub->start();
  return websub;
}

// After the control thread stopped: responses in flight may wait for a topic render on the
// control context, so it runs (timers and watchers stopped) until the server has written them.
void drain(boost::asio::io_context& control, HttpServer& server) {
  control.restart();
  auto keep_running = boost::asio::make_work_guard(control);
  std::thread renders([&control] { control.run(); });
  server.stop();
  server.wait();
  keep_running.reset();
  renders.join();
}

}  // namespace

std::string webhook_secret(const Config& config) {
  auto secret = read_webhook_secret(config.hooks.secret, config.hooks.secret_file);
  if (!secret) {
    const int line = config.hooks.secret_file_line;
    throw ConfigError(config.source.string() + (line > 0 ? ":" + std::to_string(line) : "") +
                      ": hooks.secret_file " + config.hooks.secret_file.string() + ": " +
                      secret.error().message());
  }
  if (secret->empty()) {
    log::info(kServeChannel, "no webhook secret (hooks.secret): POST /hooks/rebuild answers 401");
  }
  return std::move(*secret);
}

// One straight line of construction in dependency order: each object outlives the ones
// after it (the steps above build parts, the objects stay here).
int run_serve(const Config& initial_config, const ServeOptions& options) {
  boost::asio::io_context control;  // the indexer: only this thread touches the index
  auto now = common::now_seconds();
  Metrics metrics;
  // Outgoing requests (cache purges, WebSub) on their own thread; stopped before `metrics` goes.
  // WebSub's deliveries and pings are paced requests ([websub] is read at start).
  ClientOptions client_options;
  client_options.paced_per_s = initial_config.websub.max_deliveries_per_s;
  OutboundService outbound{client_options};
  auto pipeline = open_pipeline(initial_config, metrics.index_health(), control, now);
  std::uint64_t generation = 1;
  SnapshotStore store(
      build_snapshot(pipeline->pipeline(), pipeline->config(), now, generation, nullptr));

  const Config& config = pipeline->config();
  auto sockets = systemd::listen_fds();
  if (!sockets) {
    throw std::runtime_error("sockets passed by systemd (LISTEN_FDS): " +
                             sockets.error().message());
  }
  // Webhooks: verified on the I/O threads; the command and the rescan request run on the
  // endpoint's worker; the rescan itself on the control thread, in whatever pipeline is
  // current by then.
  WebhookEndpoint hooks(webhook_secret(config), config.hooks.command, config.hooks.command_timeout,
                        [&](std::string reason) {
                          boost::asio::post(control, [&pipeline, reason = std::move(reason)] {
                            pipeline->regenerator().rescan_all(reason);
                          });
                        });
  TopicFeeds topics = topic_feeds_for(config, control, pipeline, metrics);
  DeltaFeeds deltas(kDeltaCacheBytes, metrics);
  // Handlers for SIGTERM, SIGINT and SIGHUP before anything says "ready" (the listening
  // sockets, the start-up line, READY=1): a signal that came right after it otherwise met
  // the default action and killed the process (a reload or a stop at start-up lost the
  // responses in flight). Signals that arrive before async_wait() are kept for it.
  boost::asio::signal_set signals(control, SIGTERM, SIGINT, SIGHUP);
  ServerOptions server_options = server_options_for(config, std::move(*sockets), hooks, options);
  server_options.topics = &topics;
  server_options.deltas = &deltas;
  const std::unique_ptr<PollLimiter> poll_limiter = poll_limiter_for(config);
  server_options.poll_limiter = poll_limiter.get();
  const std::unique_ptr<WebSubService> websub =
      start_websub(config, outbound, store, topics, metrics, server_options);
  HttpServer server(std::move(server_options), store, metrics);
  server.start();
  pipeline->attach(control, store, generation, metrics, outbound.client());
  announce_serving(server, store, options);

  Watchdog watchdog(control);
  watchdog.start();
  SignalHandler on_signal(
      {control, signals, pipeline, store, metrics, outbound, hooks, watchdog, initial_config});
  on_signal.arm();
  control.run();

  drain(control, server);
  outbound.stop();  // before `websub` goes: no callback runs after this
  log::info(kServeChannel, "stopped");
  return 0;
}

}  // namespace feedd::daemon
