// RowHandoff: rows produced on one thread (read from the index) and consumed on another, in
// order, a batch at a time. Reading the catalogs' rows from SQLite and adding them to the
// catalogs each took about half of a 1M one-file rebuild's critical path; with a second core
// idle after the scan, the two now overlap. Bounded: at most `max_batches` batches wait, so a
// slow consumer holds back the reader instead of holding the whole store in memory.
//
// One producer thread calls push() and then finish() once; `consume` runs on the handoff's own
// thread (on the producer's, row by row, when no thread can be started). An exception from
// `consume` stops it: the next push() or finish() rethrows it. Destroyed without finish()
// (the producer threw), it finishes the batch it is consuming, drops the rest and joins.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace feedd::daemon {

template <class Row>
class RowHandoff {
 public:
  RowHandoff(std::size_t batch_rows, std::size_t max_batches, std::function<void(Row&&)> consume)
      : batch_rows_(std::max<std::size_t>(batch_rows, 1)),
        max_batches_(std::max<std::size_t>(max_batches, 1)),
        consume_(std::move(consume)) {
    batch_.reserve(batch_rows_);
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
      inline_ = true;  // no thread to be had (a process at its limit): consumed here instead
    }
  }
  RowHandoff(const RowHandoff&) = delete;
  RowHandoff& operator=(const RowHandoff&) = delete;
  ~RowHandoff() {
    if (thread_.joinable()) {
      abandon();
      thread_.join();
    }
  }

  // Stops consuming after the batch being consumed; what waits is dropped. The destructor
  // does this when finish() was not called. Then push no more rows (nothing would take them):
  // only destroy the handoff.
  void abandon() {
    {
      const std::lock_guard lock(mutex_);
      closed_ = true;
      dropped_ = true;
    }
    changed_.notify_all();
  }

  void push(Row&& row) {
    if (finished_) {
      throw std::logic_error("RowHandoff::push after finish");
    }
    if (inline_) {
      consume_(std::move(row));
      return;
    }
    batch_.push_back(std::move(row));
    if (batch_.size() >= batch_rows_) {
      hand_over();
    }
  }

  // Waits until every row pushed is consumed; rethrows what `consume` threw.
  void finish() {
    if (finished_ || inline_) {
      finished_ = true;
      return;
    }
    if (!batch_.empty()) {
      hand_over();
    }
    finished_ = true;
    {
      const std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
    thread_.join();
    if (failure_) {
      std::rethrow_exception(failure_);
    }
  }

 private:
  void hand_over() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return waiting_.size() < max_batches_ || failure_; });
    if (failure_) {
      std::rethrow_exception(failure_);
    }
    waiting_.push_back(std::move(batch_));
    lock.unlock();
    changed_.notify_all();
    batch_ = std::vector<Row>();
    batch_.reserve(batch_rows_);
  }

  void run() {
    for (;;) {
      std::vector<Row> batch;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return !waiting_.empty() || closed_; });
        if (dropped_ || waiting_.empty()) {
          return;  // closed, and nothing (more) to consume
        }
        batch = std::move(waiting_.front());
        waiting_.pop_front();
      }
      changed_.notify_all();  // room for the producer
      try {
        for (Row& row : batch) {
          consume_(std::move(row));
        }
      } catch (...) {
        {
          const std::lock_guard lock(mutex_);
          failure_ = std::current_exception();
        }
        changed_.notify_all();
        return;
      }
    }
  }

  const std::size_t batch_rows_;
  const std::size_t max_batches_;
  std::function<void(Row&&)> consume_;
  std::vector<Row> batch_;  // being filled by the producer
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<Row>> waiting_;  // handed over, not consumed yet
  bool closed_ = false;                   // no more batches come
  bool dropped_ = false;                  // and those waiting are not consumed
  std::exception_ptr failure_;            // what consume_ threw
  bool finished_ = false;                 // finish() was called (producer's own)
  bool inline_ = false;                   // no thread: push() consumes
  std::thread thread_;                    // last: started once the rest is ready
};

}  // namespace feedd::daemon
