#include "daemon/outbound/connection_pool.h"

#include <algorithm>

namespace feedd::daemon {

ConnectionPool::ConnectionPool(const boost::asio::any_io_executor& strand, Limits limits)
    : limits_(limits), timer_(strand) {}

std::unique_ptr<OutboundConnection> ConnectionPool::take(
    const std::string& key, const std::vector<boost::asio::ip::tcp::endpoint>& allowed) {
  close_expired(Clock::now());
  // Newest first: the connection most recently answered on is the likeliest still open.
  for (auto entry = idle_.end(); entry != idle_.begin();) {
    --entry;
    if (entry->key != key ||
        std::find(allowed.begin(), allowed.end(), entry->connection->peer()) == allowed.end()) {
      continue;
    }
    auto connection = std::move(entry->connection);
    entry = erase(entry);
    if (connection->looks_idle()) {
      return connection;
    }
    connection->close();
  }
  return nullptr;
}

void ConnectionPool::put(const std::string& key, std::unique_ptr<OutboundConnection> connection) {
  if (shut_ || !enabled()) {
    connection->close();
    return;
  }
  const auto found = per_key_.find(key);
  if (found != per_key_.end() && found->second >= limits_.per_host) {
    erase(std::find_if(idle_.begin(), idle_.end(), [&](const Entry& e) { return e.key == key; }));
  }
  if (idle_.size() >= limits_.total) {
    erase(idle_.begin());
  }
  idle_.push_back({key, Clock::now(), std::move(connection)});
  ++per_key_[key];
  count_ = idle_.size();
  arm_timer();
}

void ConnectionPool::shutdown() {
  shut_ = true;
  timer_.cancel();
  while (!idle_.empty()) {
    erase(idle_.begin());
  }
}

// Counts first, closes last: whoever sees the peer's end closed sees the count without it.
ConnectionPool::Iterator ConnectionPool::erase(Iterator entry) {
  auto connection = std::move(entry->connection);
  const auto key = per_key_.find(entry->key);
  if (--key->second == 0) {
    per_key_.erase(key);
  }
  auto next = idle_.erase(entry);
  count_ = idle_.size();
  if (connection) {
    connection->close();
  }
  return next;
}

void ConnectionPool::close_expired(Clock::time_point now) {
  while (!idle_.empty() && idle_.front().since + limits_.idle_timeout <= now) {
    erase(idle_.begin());
  }
}

// One timer for the whole pool, set for the oldest entry (entries are kept in the order they
// went idle): it closes what expired and sets itself for the next.
void ConnectionPool::arm_timer() {
  if (timer_armed_ || shut_ || idle_.empty()) {
    return;
  }
  timer_armed_ = true;
  timer_.expires_at(idle_.front().since + limits_.idle_timeout);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    const auto self = weak.lock();
    if (!self) {
      return;
    }
    self->timer_armed_ = false;
    if (!ec) {
      self->close_expired(Clock::now());
      self->arm_timer();
    }
  });
}

}  // namespace feedd::daemon
