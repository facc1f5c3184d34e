#include "daemon/pipeline/catalog_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cassert>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/sha256.h"
#include "daemon/log.h"
#include "daemon/pipeline/file_output.h"
#include "feeds/feed_info.h"

namespace feedd::daemon {
namespace {

// Files rendered and written together: an archive page of 100 full posts is ~0.3 MB.
constexpr std::size_t kBatch = 32;
// Parsed bodies kept for the next files that show the same posts, in archive pages (see
// archive_order()): a few pages' worth, a few MB.
constexpr std::size_t kRecentPages = 20;

// Which feedd renders: its version and its executable's size and mtime, so that another
// binary (a new release, a rebuild from changed sources) renders every file again.
std::string renderer_identity() {
  std::string identity = "feedd " FEEDD_VERSION;
  struct stat st {};
  if (stat("/proc/self/exe", &st) == 0) {
    identity += ' ' + std::to_string(st.st_size) + ' ' + std::to_string(st.st_mtim.tv_sec) + '.' +
                std::to_string(st.st_mtim.tv_nsec);
  }
  return identity;
}

std::optional<storage::BuiltFile> stat_file(const std::filesystem::path& file) {
  struct stat st {};
  if (stat(file.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return storage::BuiltFile{
      {},
      static_cast<std::int64_t>(st.st_size),
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

// One file to render: its path (relative to feeds_url), the digest of its inputs, and how.
struct Job {
  std::string path;
  std::string inputs;
  std::function<feeds::RenderedFeed()> render;
};

class CatalogWriter {
 public:
  CatalogWriter(SitePipeline& pipeline, std::filesystem::path out, std::chrono::sys_seconds now)
      : pipeline_(pipeline), out_(std::move(out)), now_(now), identity_(renderer_identity()) {
    records_ = pipeline_.read_index(
        [&](storage::Index& index) { return index.built_files(out_.string()); }, now_);
  }

  // Queues the file of `path` unless it is current; `digest`: its catalog's digest.
  void add(std::string path, const std::string& digest,
           std::function<feeds::RenderedFeed()> render) {
    ++written_.files;
    auto inputs = common::Sha256().field(identity_).field(digest).hex();
    if (!current(path, inputs)) {
      jobs_.push_back({std::move(path), std::move(inputs), std::move(render)});
    }
  }

  boost::system::result<CatalogFilesWritten> write() {
    std::vector<feeds::RenderedFeed> batch;
    for (std::size_t first = 0; first < jobs_.size(); first += kBatch) {
      const std::size_t end = std::min(jobs_.size(), first + kBatch);
      batch.clear();
      for (std::size_t i = first; i < end; ++i) {
        batch.push_back(jobs_[i].render());
        assert(batch.back().path == jobs_[i].path);  // the record names the file written
      }
      auto changed = write_feeds(out_, batch);
      if (!changed) {
        return changed.error();
      }
      written_.changed += *changed;
      written_.rendered += batch.size();
      record(first, end);
    }
    return written_;
  }

 private:
  bool current(const std::string& path, const std::string& inputs) const {
    const auto record = records_.find(path);
    if (record == records_.end() || record->second.inputs != inputs) {
      return false;
    }
    const auto on_disk = stat_file(out_ / output_file(path));
    return on_disk && on_disk->size == record->second.size &&
           on_disk->mtime_ns == record->second.mtime_ns;
  }

  // Records jobs [first, end) as written, with their files' stat now.
  void record(std::size_t first, std::size_t end) {
    if (unrecordable_) {
      return;
    }
    std::vector<std::pair<std::string, storage::BuiltFile>> files;
    for (std::size_t i = first; i < end; ++i) {
      if (auto file = stat_file(out_ / output_file(jobs_[i].path))) {
        file->inputs = jobs_[i].inputs;
        files.emplace_back(jobs_[i].path, std::move(*file));
      }
    }
    try {
      pipeline_.read_index(
          [&](storage::Index& index) { index.record_built_files(out_.string(), files); }, now_);
    } catch (const storage::IndexError& error) {
      unrecordable_ = true;
      log::warning("build", std::string("cannot record the files written (the next build renders "
                                        "them again): ") +
                                error.what());
    }
  }

  SitePipeline& pipeline_;
  std::filesystem::path out_;
  std::chrono::sys_seconds now_;
  std::string identity_;
  std::unordered_map<std::string, storage::BuiltFile> records_;
  std::vector<Job> jobs_;
  CatalogFilesWritten written_;
  bool unrecordable_ = false;
};

// The archive pages in the order of their oldest post among all posts, so that each post's
// pages (its language's and the all-languages one) are rendered close together and the
// second finds its body parsed by the first.
std::vector<const feeds::ArchivePage*> archive_order(const feeds::ArchiveCatalog& archives) {
  auto pages = archives.pages();
  std::unordered_map<std::string_view, std::size_t> position;  // of each post, among all
  for (const feeds::ArchivePage* page : pages) {
    if (page->lang.empty()) {
      for (const std::string& key : page->keys) {
        position.emplace(key, position.size());
      }
    }
  }
  auto first = [&](const feeds::ArchivePage* page) {
    const auto it = page->keys.empty() ? position.end() : position.find(page->keys.front());
    return it == position.end() ? 0 : it->second;
  };
  std::stable_sort(pages.begin(), pages.end(),
                   [&](const auto* a, const auto* b) { return first(a) < first(b); });
  return pages;
}

}  // namespace

boost::system::result<CatalogFilesWritten> write_catalog_files(SitePipeline& pipeline,
                                                               const std::filesystem::path& out,
                                                               std::chrono::sys_seconds now) {
  CatalogWriter writer(pipeline, out, now);
  RecentBodies recent(kRecentPages *
                      static_cast<std::size_t>(pipeline.config().feeds.archive_size));
  const auto topics = pipeline.topics();
  for (const auto& topic : topics->topics()) {
    const feeds::FeedContent where{topic->lang, {}, topic->topic, {}};
    for (auto format : {feeds::FeedFormat::atom, feeds::FeedFormat::rss, feeds::FeedFormat::json}) {
      writer.add(feeds::feed_path(where, format), topic->digest,
                 [&pipeline, &recent, topic, format, now] {
                   return pipeline.render_topic(*topic, format, now, &recent);
                 });
    }
  }
  const auto archives = pipeline.archives();
  for (const feeds::ArchivePage* page : archive_order(*archives)) {
    writer.add(
        feeds::archive_path(page->lang, page->number), page->digest,
        [&pipeline, &recent, page, now] { return pipeline.render_archive(*page, now, &recent); });
  }
  return writer.write();
}

}  // namespace feedd::daemon
