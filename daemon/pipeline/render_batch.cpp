#include "daemon/pipeline/render_batch.h"

#include "daemon/pipeline/entry_query.h"

namespace feedd::daemon {

RenderBatch::~RenderBatch() {
  if (started_) {
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [this] { return done_; });
  }
}

void RenderBatch::add(feeds::FeedContent content, const std::vector<feeds::FeedFormat>& formats) {
  const std::size_t index = contents_.size();
  auto& slots = slots_.emplace_back();
  for (std::size_t i = 0; i < content.entries.size(); ++i) {
    const feeds::Entry& entry = content.entries[i];
    if (entry.html) {
      continue;  // the last render() parsed it
    }
    auto [slot, made] = recent_.slot(entry.post);
    if (made) {
      to_parse_.push_back(slot);
    }
    slots.emplace_back(i, std::move(slot));
  }
  contents_.push_back(std::move(content));
  for (const feeds::FeedFormat format : formats) {
    files_.push_back({index, format});
  }
}

void RenderBatch::start(TaskPool& pool) {
  started_ = true;
  rendered_.resize(files_.size());
  if (to_parse_.empty()) {
    render_all(pool);
    return;
  }
  parses_left_.store(to_parse_.size(), std::memory_order_relaxed);
  for (const auto& slot : to_parse_) {
    pool.submit([this, slot, &pool] { parse(slot, pool); });
  }
}

void RenderBatch::parse(const std::shared_ptr<BodySlot>& slot, TaskPool& pool) {
  try {
    slot->document = parse_body(slot->html, slot->source_path);
  } catch (...) {
    fail(std::current_exception());
  }
  // The last parse (acquiring every other parse's writes) hands the batch to its renders.
  if (parses_left_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    render_all(pool);
  }
}

void RenderBatch::render_all(TaskPool& pool) {
  for (std::size_t c = 0; c < contents_.size(); ++c) {
    for (const auto& [entry, slot] : slots_[c]) {
      contents_[c].entries[entry].html = slot->document;
    }
  }
  {
    const std::scoped_lock lock(mutex_);
    if (error_ || files_.empty()) {
      done_ = true;
      finished_.notify_all();
      return;
    }
  }
  // Nothing of the batch is read once the last render is submitted: it may finish, and
  // the batch go, before submit() returns.
  const std::size_t files = files_.size();
  renders_left_.store(files, std::memory_order_relaxed);
  for (std::size_t file = 0; file < files; ++file) {
    pool.submit([this, file] { render(file); });
  }
}

void RenderBatch::render(std::size_t file) {
  try {
    const File& which = files_[file];
    rendered_[file] = feeds::render_feed(site_, contents_[which.content], which.format);
  } catch (...) {
    fail(std::current_exception());
  }
  if (renders_left_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    finish();
  }
}

void RenderBatch::fail(std::exception_ptr error) {
  const std::scoped_lock lock(mutex_);
  if (!error_) {
    error_ = std::move(error);
  }
}

void RenderBatch::finish() {
  const std::scoped_lock lock(mutex_);
  done_ = true;
  finished_.notify_all();
}

std::vector<feeds::RenderedFeed> RenderBatch::wait() {
  std::unique_lock lock(mutex_);
  finished_.wait(lock, [this] { return done_; });
  if (error_) {
    std::rethrow_exception(error_);
  }
  return std::move(rendered_);
}

}  // namespace feedd::daemon
