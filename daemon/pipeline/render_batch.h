// A batch of `feedd build`'s topic feeds and archive pages on its way to disk: add() takes
// each content as collected from the index (on the caller's thread: the index has one);
// start() parses on a TaskPool the bodies no earlier rendering parsed (each once, shared
// through RecentBodies) and then renders every file; wait() hands the files back in the
// order added, byte for byte what rendering them one by one gives. add() and start() run on
// one thread, then wait() on it; the destructor waits too (tasks hold the batch), so a batch
// never outlives its pool. Memory: its contents and files.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "daemon/pipeline/parsed_bodies.h"
#include "daemon/pipeline/task_pool.h"
#include "feeds/feed_set.h"

namespace feedd::daemon {

class RenderBatch {
 public:
  RenderBatch(const feeds::SiteOptions& site, RecentBodies& recent)
      : site_(site), recent_(recent) {}
  ~RenderBatch();
  RenderBatch(const RenderBatch&) = delete;
  RenderBatch& operator=(const RenderBatch&) = delete;

  // Renders `content` in each of `formats`: its entries whose body is null (Entry::html) get
  // the one `recent` has for them, parsed by this batch when new. A body of an earlier
  // batch is read when this one starts: start() only after the earlier batches' wait().
  void add(feeds::FeedContent content, const std::vector<feeds::FeedFormat>& formats);
  std::size_t files() const { return files_.size(); }

  // Submits the batch's work to `pool` (which must outlive it); runs it all here when the
  // pool has no threads.
  void start(TaskPool& pool);
  // The files, in the order add() was given their contents and formats, once every task
  // ran; rethrows the first exception a task met.
  std::vector<feeds::RenderedFeed> wait();

 private:
  struct File {
    std::size_t content;
    feeds::FeedFormat format;
  };

  void parse(const std::shared_ptr<BodySlot>& slot, TaskPool& pool);
  void render_all(TaskPool& pool);
  void render(std::size_t file);
  void fail(std::exception_ptr error);
  void finish();

  const feeds::SiteOptions& site_;
  RecentBodies& recent_;
  // Made by add(), fixed once started (entries' bodies set by the last parse task).
  std::vector<feeds::FeedContent> contents_;
  std::vector<File> files_;
  // Per content: which entries take which slot's body.
  std::vector<std::vector<std::pair<std::size_t, std::shared_ptr<BodySlot>>>> slots_;
  std::vector<std::shared_ptr<BodySlot>> to_parse_;  // slots new in this batch
  std::vector<feeds::RenderedFeed> rendered_;        // one per file, each set by its task
  std::atomic<std::size_t> parses_left_{0};
  std::atomic<std::size_t> renders_left_{0};
  bool started_ = false;
  std::mutex mutex_;
  std::condition_variable finished_;
  bool done_ = false;         // guarded by mutex_
  std::exception_ptr error_;  // guarded by mutex_; the first task failure
};

}  // namespace feedd::daemon
