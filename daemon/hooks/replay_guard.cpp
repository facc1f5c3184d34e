#include "daemon/hooks/replay_guard.h"

namespace feedd::daemon {

ReplayGuard::ReplayGuard(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

bool ReplayGuard::remember(std::string_view id, std::chrono::seconds ttl, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  forget_expired(now);
  std::string key(id);
  if (expiry_by_id_.contains(key)) {
    return false;
  }
  while (expiry_by_id_.size() >= capacity_) {
    auto first = ids_by_expiry_.begin();
    expiry_by_id_.erase(first->second);
    ids_by_expiry_.erase(first);
  }
  auto expiry = now + ttl;
  ids_by_expiry_.emplace(expiry, key);
  expiry_by_id_.emplace(std::move(key), expiry);
  return true;
}

bool ReplayGuard::contains(std::string_view id, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  auto it = expiry_by_id_.find(std::string(id));
  return it != expiry_by_id_.end() && it->second > now;
}

std::size_t ReplayGuard::size() const {
  std::lock_guard lock(mutex_);
  return expiry_by_id_.size();
}

void ReplayGuard::forget_expired(Clock::time_point now) {
  while (!ids_by_expiry_.empty() && ids_by_expiry_.begin()->first <= now) {
    expiry_by_id_.erase(ids_by_expiry_.begin()->second);
    ids_by_expiry_.erase(ids_by_expiry_.begin());
  }
}

}  // namespace feedd::daemon
