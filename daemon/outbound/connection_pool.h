// The idle connections HttpClient keeps for reuse (HTTP/1.1 keep-alive), each filed under its
// scheme+host+port (OutboundUrl::key) and the address it was opened to (and SSRF-checked
// for then): at most `per_host` per key and `total` in all (the oldest idle one is closed to
// make room), each closed once idle for `idle_timeout` (a timer on the given strand). Not
// thread-safe: used on the client's strand only, except idle(). Create with make_shared (the
// timer holds a weak_ptr). Owns the connections it holds; shutdown() closes them all.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/outbound/outbound_connection.h"

namespace feedd::daemon {

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  struct Limits {
    std::size_t per_host = 0;  // 0: keep none
    std::size_t total = 0;     // 0: keep none
    std::chrono::milliseconds idle_timeout{0};
  };

  ConnectionPool(const boost::asio::any_io_executor& strand, Limits limits);

  bool enabled() const { return limits_.per_host > 0 && limits_.total > 0; }
  // The most recently kept connection of `key` to one of `allowed` that still looks idle, or
  // null. Kept ones the peer has closed meanwhile are closed and dropped on the way.
  std::unique_ptr<OutboundConnection> take(
      const std::string& key, const std::vector<boost::asio::ip::tcp::endpoint>& allowed);
  // Keeps `connection` (its response fully read, nothing pending) as idle from now; closes
  // it instead when disabled or shut down.
  void put(const std::string& key, std::unique_ptr<OutboundConnection> connection);
  void shutdown();
  std::size_t idle() const { return count_; }  // any thread

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::string key;
    Clock::time_point since;
    std::unique_ptr<OutboundConnection> connection;
  };
  using Iterator = std::list<Entry>::iterator;

  Iterator erase(Iterator entry);  // closes its connection
  void close_expired(Clock::time_point now);
  void arm_timer();

  const Limits limits_;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  bool shut_ = false;
  std::list<Entry> idle_;                                 // oldest first
  std::unordered_map<std::string, std::size_t> per_key_;  // entries of idle_ per key
  std::atomic<std::size_t> count_{0};                     // idle_.size(), for stats()
};

}  // namespace feedd::daemon
