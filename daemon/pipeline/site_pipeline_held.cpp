// SitePipeline's held scans (see site_pipeline.h): a change prepared before it is committed.
#include "daemon/pipeline/site_pipeline.h"

namespace feedd::daemon {

std::optional<storage::ScanReport> SitePipeline::scan_paths_held(
    const std::vector<std::string>& paths, std::chrono::sys_seconds now) {
  rollback_held();
  if (on_fallback() || !health_.writable()) {
    return std::nullopt;  // the usual scan knows what to do then
  }
  index_->hold_commits(true);
  try {
    auto report = storage::scan_paths(*index_, config_.store.path, paths, reader_options_, now,
                                      replay_.get(), scan_progress_);
    index_->hold_commits(false);
    if (!index_->holds_writes()) {
      return std::nullopt;  // nothing written: nothing to hold
    }
    follow_keys(report.applied.keys_written);
    held_ = report;
    return report;
  } catch (const std::exception&) {
    index_->hold_commits(false);
    index_->rollback_held();
    if (replay_) {
      replay_->replay();
    }
    return std::nullopt;
  }
}

void SitePipeline::commit_held() {
  if (!held_) {
    return;
  }
  auto report = std::move(*held_);
  held_.reset();
  try {
    index_->commit_held();
  } catch (...) {
    follow_keys(report.applied.keys_written);  // the catalogs saw what is now undone
    if (replay_) {
      replay_->replay();
    }
    throw;
  }
  finish_scan(std::move(report), false);  // the catalogs followed its keys already
}

void SitePipeline::rollback_held() {
  if (!held_) {
    return;
  }
  index_->rollback_held();
  // What render() made of the held writes is undone: the catalogs read those posts again,
  // and the scan that replaces this one dates the files whose history moved again.
  follow_keys(held_->applied.keys_written);
  if (replay_) {
    replay_->replay();
  }
  held_.reset();
}

}  // namespace feedd::daemon
