#include "daemon/http/http_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "daemon/http/connection_shedder.h"
#include "daemon/http/http_session.h"
#include "daemon/http/idle_sweeper.h"
#include "daemon/http/listen_address.h"
#include "daemon/log.h"

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

constexpr std::string_view kHttpChannel = "http";

// server.listen's entry `text` as an endpoint; throws saying which entry and why not.
tcp::endpoint parse_listen(const std::string& text) {
  try {
    return parse_listen_address(text);
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("server.listen \"" + text + "\": " + error.what());
  }
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}

// Raises the soft file limit to the hard one (logged, so an operator sees how many
// connections are possible) and keeps a reserve for everything else.
std::size_t connection_cap() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    log::warning(kHttpChannel, "getrlimit(RLIMIT_NOFILE) failed; allowing 1000 connections");
    return 1000;
  }
  const rlim_t soft = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    }
  }
  const auto text = [](rlim_t value) {
    return value == RLIM_INFINITY ? std::string("unlimited") : std::to_string(value);
  };
  std::string note = " (the hard limit)";
  if (limit.rlim_cur != soft) {
    note = " (soft limit raised from " + text(soft) + ")";
  } else if (limit.rlim_cur < limit.rlim_max) {
    note = " (raising it to the hard limit " + text(limit.rlim_max) + " failed)";
  }
  log::info(kHttpChannel, "open files limit " + text(limit.rlim_cur) + note);
  const rlim_t usable = limit.rlim_cur == RLIM_INFINITY ? 1u << 20 : limit.rlim_cur;
  return static_cast<std::size_t>(usable > 128 ? usable - 64 : usable / 2);
}

int thread_count(const ServerOptions& options) {
  return options.threads > 0 ? options.threads
                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

bool out_of_descriptors(const error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
         ec == asio::error::no_memory || ec.value() == ENFILE;
}

}  // namespace

// One io_context per thread, each with its own acceptor on every listening socket (a dup of
// the same descriptor): a connection lives on one thread, so its completions never wait for
// another thread or wake one (one shared io_context woke the reactor thread with an epoll_ctl
// per request and passed each completion through a strand). Which thread: the one with the
// fewest connections, chosen by the accepting thread before each accept. Left to the kernel,
// the thread that woke first drained the whole backlog: wrk's 64 connections all went to one
// of two threads in one run of two, 38/26 in the other (bench/RESULTS.md).
struct HttpServer::Impl {
  Impl(ServerOptions options, SnapshotStore& store, Metrics& metrics)
      : max_connections(options.max_connections > 0 ? options.max_connections : connection_cap()),
        shared(std::move(options), store, metrics, max_connections),
        contexts(make_contexts(thread_count(shared.options))),
        shedder(shared, *contexts.front()),
        sweeper(shared, *contexts.front()),
        connections_on(std::make_unique<std::atomic<std::size_t>[]>(contexts.size())) {}

  static std::vector<std::unique_ptr<asio::io_context>> make_contexts(int count) {
    std::vector<std::unique_ptr<asio::io_context>> made;
    made.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      made.push_back(std::make_unique<asio::io_context>(1));  // one thread runs each
    }
    return made;
  }
  // Adds an acceptor on `fd` (a listening socket, taken over) to each io_context.
  void accept_on(int fd, const tcp::endpoint& endpoint);

  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::size_t home);
  // Held by each accept loop for its whole life, however it ends: the last one to end lets
  // every context finish (until_accepts_end).
  class AcceptLoopRunning {
   public:
    explicit AcceptLoopRunning(Impl& impl) : impl_(impl) {}
    AcceptLoopRunning(const AcceptLoopRunning&) = delete;
    AcceptLoopRunning& operator=(const AcceptLoopRunning&) = delete;
    ~AcceptLoopRunning() {
      if (impl_.shared.accept_loops.fetch_sub(1) == 1) {
        for (auto& guard : impl_.until_accepts_end) {
          guard.reset();
        }
      }
    }

   private:
    Impl& impl_;
  };
  // The context with the fewest connections; `home` (the acceptor's) when it is one of them.
  std::size_t least_loaded(std::size_t home) const;

  const std::size_t max_connections;
  ServerShared shared;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  ConnectionShedder shedder;  // uses the first io_context
  IdleSweeper sweeper;        // likewise
  // Connections each context serves (counted from the accept until the session ends).
  std::unique_ptr<std::atomic<std::size_t>[]> connections_on;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;  // each on its own context
  std::vector<std::size_t> acceptor_home;                 // acceptors[k]'s context
  std::vector<tcp::endpoint> bound;
  std::vector<std::thread> threads;
  std::atomic<bool> started{false};
  // Work on every context until the last accept loop has ended: a connection accepted on one
  // context may be handed to another, and once stopping, the one with the fewest connections
  // is one that has ended its own sessions. Had its run() returned, the session would never
  // start and the connection, its request unread, would be reset at exit (the systemd boot
  // test saw 2 resets in 1,467 requests during 3 restarts).
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> until_accepts_end;
};

void HttpServer::Impl::accept_on(int fd, const tcp::endpoint& endpoint) {
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    const int own = i == 0 ? fd : ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (own < 0) {
      throw std::runtime_error("cannot share the socket of " + endpoint_text(endpoint) +
                               " between threads: " + std::strerror(errno));
    }
    auto acceptor = std::make_unique<tcp::acceptor>(*contexts[i]);
    error_code ec;
    acceptor->assign(endpoint.protocol(), own, ec);
    if (ec) {
      ::close(own);
      throw std::runtime_error("socket of " + endpoint_text(endpoint) + ": " + ec.message());
    }
    acceptors.push_back(std::move(acceptor));
    acceptor_home.push_back(i);
  }
  bound.push_back(endpoint);
}

std::size_t HttpServer::Impl::least_loaded(std::size_t home) const {
  std::size_t best = home;
  std::size_t fewest = connections_on[home].load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    const std::size_t count = connections_on[i].load(std::memory_order_relaxed);
    if (count < fewest) {
      best = i;
      fewest = count;
    }
  }
  return best;
}

asio::awaitable<void> HttpServer::Impl::accept_loop(tcp::acceptor& acceptor, std::size_t home) {
  const AcceptLoopRunning running(*this);
  const auto token = asio::as_tuple(asio::use_awaitable);
  asio::steady_timer backoff(acceptor.get_executor());
  auto last_warning = std::chrono::steady_clock::time_point{};
  while (!shared.stopping.load(std::memory_order_acquire)) {
    // The connection goes to the context with the fewest, chosen now (a later accept on
    // another thread may make the choice a little stale: close enough). Its socket is
    // registered with that context's reactor and its session runs on that context's one
    // thread: no strand needed; work posted to the session from elsewhere (shedding,
    // stopping) runs on that thread too.
    const std::size_t target = least_loaded(home);
    auto [ec, socket] = co_await acceptor.async_accept(
        asio::any_io_executor(contexts[target]->get_executor()), token);
    if (ec) {
      if (ec == asio::error::operation_aborted || shared.stopping.load()) {
        break;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now - last_warning > std::chrono::seconds(10)) {
        // Its own error_code: passing `ec` would overwrite the accept error before it is
        // read, since the operands of + are unsequenced (clang read "Success").
        error_code endpoint_error;
        log::warning(kHttpChannel, "accept on " +
                                       endpoint_text(acceptor.local_endpoint(endpoint_error)) +
                                       " failed: " + ec.message() +
                                       (out_of_descriptors(ec) ? " (backing off)" : ""));
        last_warning = now;
      }
      backoff.expires_after(std::chrono::milliseconds(out_of_descriptors(ec) ? 100 : 10));
      co_await backoff.async_wait(token);
      continue;
    }
    if (!shedder.admit(socket.native_handle())) {
      error_code ignored;
      socket.close(ignored);  // at the cap with nothing to shed: answered 503
      continue;
    }
    shared.open_connections.fetch_add(1, std::memory_order_relaxed);
    connections_on[target].fetch_add(1, std::memory_order_relaxed);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, run_session(std::move(socket), shared),
                   [this, target](const std::exception_ptr& error) {
                     connections_on[target].fetch_sub(1, std::memory_order_relaxed);
                     if (error) {  // a bug or bad_alloc: lose the connection, not the server
                       try {
                         std::rethrow_exception(error);
                       } catch (const std::exception& e) {
                         log::error(kHttpChannel, std::string("connection failed: ") + e.what());
                       }
                     }
                   });
  }
}

namespace {

// A listening socket on `text` ("host:port"); throws saying why not.
tcp::acceptor listen_on(asio::io_context& io, const std::string& text) {
  const tcp::endpoint endpoint = parse_listen(text);
  tcp::acceptor acceptor(io);
  error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec && endpoint.address().is_v6()) {
    acceptor.set_option(asio::ip::v6_only(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    throw std::runtime_error("cannot listen on " + text + ": " + ec.message());
  }
  return acceptor;
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, SnapshotStore& store, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), store, metrics)) {
  // sendfile() to a client that went away raises SIGPIPE (send() is told MSG_NOSIGNAL).
  ::signal(SIGPIPE, SIG_IGN);
  auto& shared = impl_->shared;
  shared.metrics.set_connection_limit(impl_->max_connections);
  for (int fd : shared.options.inherited_fds) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    error_code ec;
    tcp::acceptor probe(*impl_->contexts.front());
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ec = error_code(errno, boost::system::system_category());
    } else {
      probe.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
    }
    if (ec) {
      throw std::runtime_error("inherited socket " + std::to_string(fd) + ": " + ec.message());
    }
    const tcp::endpoint endpoint = probe.local_endpoint();
    impl_->accept_on(probe.release(), endpoint);
  }
  for (const std::string& text : shared.options.listen) {
    tcp::acceptor acceptor = listen_on(*impl_->contexts.front(), text);
    const tcp::endpoint endpoint = acceptor.local_endpoint();
    impl_->accept_on(acceptor.release(), endpoint);
  }
  if (impl_->acceptors.empty()) {
    throw std::runtime_error("server.listen is empty: nothing to listen on");
  }
}

HttpServer::~HttpServer() {
  stop();
  wait();
}

std::vector<std::string> HttpServer::addresses() const {
  std::vector<std::string> out;
  for (const auto& endpoint : impl_->bound) {
    out.push_back(endpoint_text(endpoint));
  }
  return out;
}

std::vector<std::uint16_t> HttpServer::ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& endpoint : impl_->bound) {
    out.push_back(endpoint.port());
  }
  return out;
}

int HttpServer::threads() const { return static_cast<int>(impl_->contexts.size()); }

std::vector<std::size_t> HttpServer::connections_per_thread() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < impl_->contexts.size(); ++i) {
    out.push_back(impl_->connections_on[i].load(std::memory_order_relaxed));
  }
  return out;
}
std::size_t HttpServer::max_connections() const { return impl_->max_connections; }

void HttpServer::start() {
  if (impl_->started.exchange(true)) {
    return;
  }
  for (auto& context : impl_->contexts) {
    impl_->until_accepts_end.push_back(asio::make_work_guard(*context));
  }
  impl_->shared.accept_loops.store(impl_->acceptors.size());
  for (std::size_t k = 0; k < impl_->acceptors.size(); ++k) {
    auto& acceptor = *impl_->acceptors[k];
    asio::co_spawn(acceptor.get_executor(), impl_->accept_loop(acceptor, impl_->acceptor_home[k]),
                   asio::detached);
  }
  impl_->sweeper.start();
  for (auto& context : impl_->contexts) {
    impl_->threads.emplace_back([io = context.get()] { io->run(); });
  }
}

void HttpServer::stop() {
  if (impl_->shared.stopping.exchange(true)) {
    return;
  }
  // Each acceptor is closed on its own thread; the sessions and the shedder once.
  for (auto& acceptor : impl_->acceptors) {
    asio::post(acceptor->get_executor(), [acceptor = acceptor.get()] {
      error_code ignored;
      acceptor->close(ignored);
    });
  }
  asio::post(*impl_->contexts.front(), [impl = impl_.get()] {
    impl->shedder.stop();
    impl->sweeper.stop();  // ends the idle sessions
  });
}

void HttpServer::wait() {
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
  impl_->threads.clear();
}

}  // namespace feedd::daemon
