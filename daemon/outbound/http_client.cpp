#include "daemon/outbound/http_client.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "common/text.h"
#include "daemon/outbound/connection_pool.h"
#include "daemon/outbound/http_exchange.h"
#include "daemon/outbound/outbound_error.h"
#include "daemon/outbound/outbound_url.h"
#include "daemon/outbound/request_pace.h"

namespace feedd::daemon {

namespace asio = boost::asio;

std::string OutboundResponse::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (common::text::iequals(field, name)) {
      return value;
    }
  }
  return {};
}

struct HttpClient::Impl : std::enable_shared_from_this<Impl> {
  // The two lanes: requests to destinations not known to fail, and suspect ones (see the
  // header). Each has its own limits per host and in all, its own queues and ready set.
  enum Lane : std::size_t { kNormal = 0, kSuspect = 1 };
  static constexpr std::size_t kLanes = 2;

  struct Pending {
    OutboundRequest request;
    OutboundUrl url;
    OutboundCallback done;
    std::string key;          // url.key(), computed once
    std::uint64_t order = 0;  // queued before every Pending with a higher one
  };
  // The requests waiting for one host, and how many of that host's run, by lane.
  struct Host {
    std::array<std::deque<Pending>, kLanes> waiting;
    std::array<std::size_t, kLanes> running{};
    bool idle() const {
      return waiting[kNormal].empty() && waiting[kSuspect].empty() && running[kNormal] == 0 &&
             running[kSuspect] == 0;
    }
  };
  // A request that runs: what aborts it, its lane now, and the timer that may move it.
  struct Running {
    std::function<void()> abort;
    Lane lane = kNormal;
    std::unique_ptr<asio::steady_timer> stall;
  };

  Impl(asio::io_context& io, ClientOptions o)
      : strand(asio::make_strand(io)),
        tls(asio::ssl::context::tls_client),
        options(std::move(o)),
        // At least one suspect request at a time: none would leave them queued for good.
        per_host{options.max_per_host, std::max<std::size_t>(1, options.max_suspect_per_host)},
        total{options.max_total, std::max<std::size_t>(1, options.max_suspect_total)},
        pace(options.paced_per_s, options.paced_burst, std::chrono::steady_clock::now()),
        pace_timer(strand),
        pool(std::make_shared<ConnectionPool>(
            strand, ConnectionPool::Limits{options.max_idle_per_host, options.max_idle_total,
                                           options.idle_timeout})) {
    boost::system::error_code ec;
    if (options.ca_file.empty()) {
      tls.set_default_verify_paths(ec);
    } else {
      tls.load_verify_file(options.ca_file, ec);
    }
    if (ec) {
      throw std::runtime_error("outgoing TLS: cannot load trusted CAs: " + ec.message());
    }
    tls.set_verify_mode(asio::ssl::verify_peer);
  }

  // Runs `done` with `result` unless the client was shut down; counts it.
  void finish(const OutboundCallback& done, OutboundResult result) {
    std::lock_guard lock(callback_mutex);
    if (stopped) {
      return;
    }
    if (result) {
      ++sent;
    } else {
      ++failed;
      if (result.error() == OutboundError::forbidden_address) {
        ++refused;
      }
    }
    done(std::move(result));
  }

  void enqueue(OutboundRequest request, OutboundCallback done) {
    auto url = parse_outbound_url(request.url);
    if (!url) {
      finish(done, url.error());
      return;
    }
    if (stopping) {
      return;
    }
    if (queued >= options.max_queued) {
      finish(done, OutboundError::queue_full);
      return;
    }
    const Lane lane = request.suspect ? kSuspect : kNormal;
    std::string key = url->key();
    Host& host = hosts[key];
    auto& waiting = host.waiting[lane];
    waiting.push_back({std::move(request), std::move(*url), std::move(done), key, next_order++});
    ++queued;
    if (waiting.size() == 1 && host.running[lane] < per_host[lane]) {
      ready[lane].emplace(waiting.front().order, std::move(key));
    }
    pump();
  }

  // The lane whose oldest ready request may start now, or none.
  std::optional<Lane> next_lane() const {
    std::optional<Lane> next;
    for (const Lane lane : {kNormal, kSuspect}) {
      if (!ready[lane].empty() && lane_running[lane] < total[lane] &&
          (!next || ready[lane].begin()->first < ready[*next].begin()->first)) {
        next = lane;
      }
    }
    return next;
  }

  // Starts what the concurrency limits and the pace allow, oldest first. `ready` holds, per
  // lane, the hosts that have a request waiting and room to run it, by their oldest one: a
  // start costs O(log n), not a walk past every request of the hosts that are full.
  void pump() {
    const auto now = std::chrono::steady_clock::now();
    while (const auto lane = next_lane()) {
      const auto first = ready[*lane].begin();
      const std::string key = first->second;
      Host& host = hosts[key];
      if (host.running[*lane] >= per_host[*lane]) {
        // Filled by a request moved here (move_stalled); release() puts it back.
        ready[*lane].erase(first);
        continue;
      }
      auto& waiting = host.waiting[*lane];
      if (waiting.front().request.paced) {
        if (pace.available(now) == 0) {
          wait_for_pace(now);
          return;
        }
        pace.take(1);
      }
      ready[*lane].erase(first);
      auto pending = std::make_shared<Pending>(std::move(waiting.front()));
      waiting.pop_front();
      ++host.running[*lane];
      ++lane_running[*lane];
      --queued;
      if (!waiting.empty() && host.running[*lane] < per_host[*lane]) {
        ready[*lane].emplace(waiting.front().order, key);
      }
      start(pending, *lane);
    }
  }

  // Pumps again when the pace lets a batch start (one timer, however many wait).
  void wait_for_pace(std::chrono::steady_clock::time_point now) {
    if (pace_armed) {
      return;
    }
    pace_armed = true;
    pace_timer.expires_at(pace.when_available(pace.batch(), now));
    pace_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      self->pace_armed = false;
      if (!ec && !self->stopping) {
        self->pump();
      }
    });
  }

  // One of `host`'s requests in `lane` stopped counting there: its next one may start.
  void make_room(Host& host, const std::string& key, Lane lane) {
    --host.running[lane];
    --lane_running[lane];
    // It was full, so not in `ready` (or dropped from it by pump()).
    if (!host.waiting[lane].empty() && host.running[lane] + 1 == per_host[lane]) {
      ready[lane].emplace(host.waiting[lane].front().order, key);
    }
  }

  // A request of `key` ended in `lane`: its host may start another one.
  void release(const std::string& key, Lane lane) {
    const auto found = hosts.find(key);
    make_room(found->second, key, lane);
    if (found->second.idle()) {
      hosts.erase(found);
    }
    if (lane == kSuspect && !stalled_waiting.empty()) {
      move_stalled();  // a suspect slot is free, on this host and in all
    }
  }

  // A request still unanswered after stall_after: moved to the suspect lane now if that has
  // room on its host and in all, else as soon as it has (oldest stalled first), so that its
  // host's next request starts.
  void stall(const std::string& key, std::uint64_t id) {
    stalled_waiting.emplace_back(id, key);
    move_stalled();
  }

  // Moves what stalled_waiting allows, oldest first; drops the entries of requests that ended.
  void move_stalled() {
    bool moved = false;
    for (auto it = stalled_waiting.begin(); it != stalled_waiting.end();) {
      const auto request = running_requests.find(it->first);
      if (request == running_requests.end() || request->second.lane != kNormal) {
        it = stalled_waiting.erase(it);
        continue;
      }
      if (lane_running[kSuspect] >= total[kSuspect]) {
        break;
      }
      Host& host = hosts.find(it->second)->second;
      if (host.running[kSuspect] >= per_host[kSuspect]) {
        ++it;  // its host's suspect slot is taken: another host's may be free
        continue;
      }
      request->second.lane = kSuspect;
      ++host.running[kSuspect];
      ++lane_running[kSuspect];
      ++stalled;
      make_room(host, it->second, kNormal);
      it = stalled_waiting.erase(it);
      moved = true;
    }
    if (moved) {
      pump();
    }
  }

  void start(const std::shared_ptr<Pending>& pending, Lane lane) {
    const std::uint64_t id = next_id++;
    Running& record = running_requests[id];
    record.lane = lane;
    if (lane == kSuspect) {
      ++suspect_started;
    } else if (options.stall_after.count() > 0) {
      record.stall = std::make_unique<asio::steady_timer>(strand, options.stall_after);
      record.stall->async_wait(
          [self = shared_from_this(), key = pending->key, id](const boost::system::error_code& ec) {
            if (!ec && !self->stopping) {
              self->stall(key, id);
            }
          });
    }
    asio::co_spawn(strand, run(pending, record.abort),
                   [self = shared_from_this(), pending, id](const std::exception_ptr& error,
                                                            OutboundResult result) {
                     auto ended = self->running_requests.extract(id);
                     self->release(pending->key, ended.mapped().lane);
                     if (error) {
                       result = OutboundError::io_failed;
                     } else if (self->stopping && !result) {
                       result = OutboundError::shut_down;
                     }
                     self->finish(pending->done, std::move(result));
                     self->pump();
                   });
  }

  // `abort` lives in running_requests (a node's address is stable) until the exchange ends.
  asio::awaitable<OutboundResult> run(std::shared_ptr<Pending> pending,
                                      std::function<void()>& abort) {
    co_return co_await http_exchange(pending->url, pending->request,
                                     {options, tls, *pool, counters}, abort);
  }

  void abort_all() {
    pool->shutdown();
    pace_timer.cancel();
    for (auto it = hosts.begin(); it != hosts.end();) {
      for (auto& waiting : it->second.waiting) {
        queued -= waiting.size();
        waiting.clear();
      }
      it = it->second.idle() ? hosts.erase(it) : std::next(it);
    }
    for (auto& lane : ready) {
      lane.clear();
    }
    stalled_waiting.clear();
    for (auto& [id, request] : running_requests) {
      if (request.stall) {
        request.stall->cancel();
      }
      if (request.abort) {
        request.abort();
      }
    }
  }

  asio::strand<asio::io_context::executor_type> strand;
  asio::ssl::context tls;
  const ClientOptions options;
  const std::array<std::size_t, kLanes> per_host;  // by lane, from the options
  const std::array<std::size_t, kLanes> total;     // likewise
  RequestPace pace;                                // touched only on the strand
  asio::steady_timer pace_timer;  // likewise; armed while paced requests wait for the pace
  bool pace_armed = false;        // likewise
  const std::shared_ptr<ConnectionPool> pool;  // touched only on the strand
  ConnectionCounters counters;
  // Touched only on the strand.
  std::unordered_map<std::string, Host> hosts;  // those with requests waiting or running
  // By lane: (oldest waiting's order, key) of the hosts with room in that lane.
  std::array<std::set<std::pair<std::uint64_t, std::string>>, kLanes> ready;
  std::uint64_t next_order = 0;
  std::map<std::uint64_t, Running> running_requests;  // by id
  // (id, key) of requests past stall_after still in the normal lane, oldest first.
  std::list<std::pair<std::uint64_t, std::string>> stalled_waiting;
  std::uint64_t next_id = 0;
  // Read by stats() from any thread.
  std::array<std::atomic<std::size_t>, kLanes> lane_running{};  // running now, by lane
  std::atomic<std::uint64_t> suspect_started{0};
  std::atomic<std::uint64_t> stalled{0};
  std::atomic<std::size_t> queued{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<bool> stopping{false};
  // Held while a callback runs, so that after shutdown() returns none runs any more.
  std::recursive_mutex callback_mutex;
  bool stopped = false;  // guarded by callback_mutex
};

HttpClient::HttpClient(asio::io_context& io, ClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() { shutdown(); }

void HttpClient::send(OutboundRequest request, OutboundCallback done) {
  asio::post(impl_->strand,
             [impl = impl_, request = std::move(request), done = std::move(done)]() mutable {
               impl->enqueue(std::move(request), std::move(done));
             });
}

void HttpClient::shutdown() {
  {
    std::lock_guard lock(impl_->callback_mutex);
    if (impl_->stopped) {
      return;
    }
    impl_->stopped = true;
  }
  impl_->stopping = true;
  asio::post(impl_->strand, [impl = impl_] { impl->abort_all(); });
}

ClientStats HttpClient::stats() const {
  ClientStats stats;
  stats.sent = impl_->sent;
  stats.failed = impl_->failed;
  stats.refused = impl_->refused;
  stats.running_suspect = impl_->lane_running[Impl::kSuspect];
  stats.running = impl_->lane_running[Impl::kNormal] + stats.running_suspect;
  stats.suspect = impl_->suspect_started;
  stats.stalled = impl_->stalled;
  stats.queued = impl_->queued;
  stats.opened = impl_->counters.opened;
  stats.reused = impl_->counters.reused;
  stats.retried = impl_->counters.retried;
  stats.idle = impl_->pool->idle();
  return stats;
}

}  // namespace feedd::daemon
