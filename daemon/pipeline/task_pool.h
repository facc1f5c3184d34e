// A fixed set of worker threads that run submitted tasks in the order submitted (FIFO), for
// CPU-bound work that needs no SQLite (parsing bodies, rendering files in `feedd build`).
// With 0 threads, submit() runs the task on the calling thread before it returns. Thread-safe:
// any thread, tasks included, may submit. A task must not throw (wrap it); the destructor runs
// every task still queued, then joins the workers.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace feedd::daemon {

class TaskPool {
 public:
  explicit TaskPool(std::size_t threads);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  void submit(std::function<void()> task);
  std::size_t threads() const { return threads_; }

 private:
  void work();

  const std::size_t threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::jthread> workers_;        // last: joined before the queue goes
};

}  // namespace feedd::daemon
