#include "daemon/pipeline/task_pool.h"

#include <utility>

namespace feedd::daemon {

TaskPool::TaskPool(std::size_t threads) : threads_(threads) {
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this] { work(); });
  }
}

TaskPool::~TaskPool() {
  {
    const std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  workers_.clear();  // joins each after the queue ran dry
}

void TaskPool::submit(std::function<void()> task) {
  if (threads_ == 0) {
    task();
    return;
  }
  {
    const std::scoped_lock lock(mutex_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void TaskPool::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and nothing left to run
      }
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace feedd::daemon
