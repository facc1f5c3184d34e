// SharedSlot<T>: one shared_ptr<const T> that any thread may load() and any thread may
// replace. A reader keeps what it loaded alive for as long as it holds it; the object a
// replace() displaced dies with its last holder, outside the lock.
//
// Why a mutex and not std::atomic<std::shared_ptr<T>>: libstdc++ 12 implements that with a
// spin lock on the low bit of the control block's pointer, made of atomic operations
// ThreadSanitizer does not know to be a lock, so every load() against a store() is reported
// as a race (google/sanitizers#1558) and needed a suppression broad enough to hide a real one.
// A mutex costs the same here (one atomic to lock, one to unlock, one for the count, in both)
// and TSan understands it. The critical section is a pointer copy: it never calls out.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

namespace feedd::common {

template <typename T>
class SharedSlot {
 public:
  SharedSlot() = default;
  explicit SharedSlot(std::shared_ptr<const T> first) : held_(std::move(first)) {}
  SharedSlot(const SharedSlot&) = delete;
  SharedSlot& operator=(const SharedSlot&) = delete;

  std::shared_ptr<const T> load() const {
    const std::lock_guard lock(mutex_);
    return held_;
  }

  // Puts `next` in the slot and returns what it held (the caller drops it, unlocked).
  std::shared_ptr<const T> exchange(std::shared_ptr<const T> next) {
    const std::lock_guard lock(mutex_);
    held_.swap(next);
    return next;
  }

  // Whether the slot holds nothing, without copying what it holds.
  bool empty() const {
    const std::lock_guard lock(mutex_);
    return held_ == nullptr;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> held_;
};

}  // namespace feedd::common
