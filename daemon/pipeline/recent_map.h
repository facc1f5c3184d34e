// A map that keeps at most `capacity` values by key and forgets the oldest added first: what
// the last few files of a `feedd build` made (parsed bodies, entries), kept for the next
// files that show the same posts — the build renders a post's pages close together
// (archive_order() in catalog_files.cpp). Replacing a value keeps its place in the order.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/string_hash.h"

namespace feedd::daemon {

template <class Value>
class RecentMap {
 public:
  explicit RecentMap(std::size_t capacity) : capacity_(capacity) {}

  // The value kept for `key`, or null; valid until the next put().
  const Value* find(std::string_view key) const {
    const auto it = values_.find(key);
    return it == values_.end() ? nullptr : &it->second;
  }

  // Keeps `value` for `key`, then forgets the oldest beyond the capacity (maybe this one).
  void put(const std::string& key, Value value) {
    if (values_.insert_or_assign(key, std::move(value)).second) {
      order_.push_back(key);
    }
    while (order_.size() > capacity_) {
      values_.erase(order_.front());
      order_.pop_front();
    }
  }

  std::size_t size() const { return values_.size(); }
  void clear() {
    values_.clear();
    order_.clear();
  }

 private:
  std::size_t capacity_;
  std::unordered_map<std::string, Value, common::StringHash, std::equal_to<>> values_;
  std::deque<std::string> order_;  // keys, oldest added first
};

}  // namespace feedd::daemon
