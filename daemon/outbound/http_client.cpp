#include "daemon/outbound/http_client.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <map>
#include <mutex>
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
  struct Pending {
    OutboundRequest request;
    OutboundUrl url;
    OutboundCallback done;
    std::string key;          // url.key(), computed once
    std::uint64_t order = 0;  // queued before every Pending with a higher one
  };
  // The requests waiting for one host, and how many of that host's run.
  struct Host {
    std::deque<Pending> waiting;
    std::size_t running = 0;
  };

  Impl(asio::io_context& io, ClientOptions o)
      : strand(asio::make_strand(io)),
        tls(asio::ssl::context::tls_client),
        options(std::move(o)),
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
    std::string key = url->key();
    Host& host = hosts[key];
    host.waiting.push_back(
        {std::move(request), std::move(*url), std::move(done), key, next_order++});
    ++queued;
    if (host.waiting.size() == 1 && host.running < options.max_per_host) {
      ready.emplace(host.waiting.front().order, std::move(key));
    }
    pump();
  }

  // Starts what the concurrency limits and the pace allow, oldest first. `ready` holds the
  // hosts that have a request waiting and room to run it, by their oldest one: a start costs
  // O(log n), not a walk past every request of the hosts that are full.
  void pump() {
    const auto now = std::chrono::steady_clock::now();
    while (!ready.empty() && running < options.max_total) {
      const auto first = ready.begin();
      const std::string key = first->second;
      Host& host = hosts[key];
      if (host.waiting.front().request.paced) {
        if (pace.available(now) == 0) {
          wait_for_pace(now);
          return;
        }
        pace.take(1);
      }
      ready.erase(first);
      auto pending = std::make_shared<Pending>(std::move(host.waiting.front()));
      host.waiting.pop_front();
      ++host.running;
      ++running;
      --queued;
      if (!host.waiting.empty() && host.running < options.max_per_host) {
        ready.emplace(host.waiting.front().order, key);
      }
      start(pending);
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

  // A request of `key` ended: its host may start another one.
  void release(const std::string& key) {
    const auto found = hosts.find(key);
    Host& host = found->second;
    --host.running;
    --running;
    if (host.waiting.empty()) {
      if (host.running == 0) {
        hosts.erase(found);
      }
    } else if (host.running + 1 == options.max_per_host) {  // it was full: not in `ready`
      ready.emplace(host.waiting.front().order, key);
    }
  }

  void start(const std::shared_ptr<Pending>& pending) {
    const std::uint64_t id = next_id++;
    asio::co_spawn(strand, run(pending, id),
                   [self = shared_from_this(), pending, id](const std::exception_ptr& error,
                                                            OutboundResult result) {
                     self->aborts.erase(id);
                     self->release(pending->key);
                     if (error) {
                       result = OutboundError::io_failed;
                     } else if (self->stopping && !result) {
                       result = OutboundError::shut_down;
                     }
                     self->finish(pending->done, std::move(result));
                     self->pump();
                   });
  }

  asio::awaitable<OutboundResult> run(std::shared_ptr<Pending> pending, std::uint64_t id) {
    co_return co_await http_exchange(pending->url, pending->request,
                                     {options, tls, *pool, counters}, aborts[id]);
  }

  void abort_all() {
    pool->shutdown();
    pace_timer.cancel();
    for (auto it = hosts.begin(); it != hosts.end();) {
      queued -= it->second.waiting.size();
      it->second.waiting.clear();
      it = it->second.running == 0 ? hosts.erase(it) : std::next(it);
    }
    ready.clear();
    for (auto& [id, abort] : aborts) {
      if (abort) {
        abort();
      }
    }
  }

  asio::strand<asio::io_context::executor_type> strand;
  asio::ssl::context tls;
  const ClientOptions options;
  RequestPace pace;               // touched only on the strand
  asio::steady_timer pace_timer;  // likewise; armed while paced requests wait for the pace
  bool pace_armed = false;        // likewise
  const std::shared_ptr<ConnectionPool> pool;  // touched only on the strand
  ConnectionCounters counters;
  // Touched only on the strand.
  std::unordered_map<std::string, Host> hosts;            // those with requests waiting or running
  std::set<std::pair<std::uint64_t, std::string>> ready;  // (oldest waiting's order, key)
  std::uint64_t next_order = 0;
  std::map<std::uint64_t, std::function<void()>> aborts;  // of the running exchanges
  std::uint64_t next_id = 0;
  // Read by stats() from any thread.
  std::atomic<std::size_t> running{0};
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
  stats.running = impl_->running;
  stats.queued = impl_->queued;
  stats.opened = impl_->counters.opened;
  stats.reused = impl_->counters.reused;
  stats.retried = impl_->counters.retried;
  stats.idle = impl_->pool->idle();
  return stats;
}

}  // namespace feedd::daemon
