#include "daemon/pipeline/catalog_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cassert>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/sha256.h"
#include "daemon/log.h"
#include "daemon/pipeline/file_output.h"
#include "daemon/pipeline/render_batch.h"
#include "daemon/pipeline/task_pool.h"
#include "feeds/feed_info.h"

namespace feedd::daemon {
namespace {

// Files rendered and written together: an archive page of 100 full posts is ~0.3 MB, and two
// batches are in memory at once (one collected, one rendered). 16 kept a cold 10k build's
// peak RSS where one batch of 32 on one thread had it (63 MB) while gumbo parsed the bodies;
// with the faster scan (simple_html.h) renders finish sooner and wait to be written, and 16
// took the peak to 67 MB (10k) and 140 MB (100k, from 129); 8 gives 54 and 123 MB at the
// same wall and CPU time (bench/RESULTS.md).
constexpr std::size_t kBatch = 8;
// Parsed bodies kept for the next files that show the same posts, in archive pages (see
// order_archive_pages()): a few pages' worth, a few MB.
constexpr std::size_t kRecentPages = 20;
// Entries kept for the next archive pages (RecentEntries): with order_archive_pages(), a
// language's page and the all-languages pages of the same posts come within two pages of
// each other: two pages' entries find every second showing (half of all, as four did on
// a 10k store; one page finds 38 %), ~0.8 MB at 100 posts of ~4 KB a page, and about as
// much again once their Atom children are rendered (feeds::Entry::atom).
constexpr std::size_t kRecentEntryPages = 2;
// Staged bytes made durable and put in place together (StagedFiles): one syncfs() and one
// fsync per directory per 64 MB instead of per batch; the temporaries wait on disk, not in
// memory.
constexpr std::uint64_t kCommitBytes = 64 * 1024 * 1024;
// Render threads at most (the build is one process among others; four cores are plenty).
constexpr std::size_t kMaxThreads = 4;

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

// One file to render: its path (relative to feeds_url), the digest of its inputs, its format.
struct File {
  std::string path;
  std::string inputs;
  feeds::FeedFormat format;
};

// One content rendered into files: an archive page (one file) or a topic feed (the formats
// not current), collected from the index once for all of them.
struct Unit {
  const feeds::ArchivePage* page = nullptr;
  const feeds::CatalogTopic* topic = nullptr;
  std::vector<File> files;
};

// Puts the archive pages among `units` (after the topic feeds) in the order of their oldest
// post among all posts, so that each post's pages (its language's and the all-languages one)
// are rendered close together and the second finds its body parsed by the first. Only the
// pages to render are placed: a one-file rebuild renders a few of 20,000 pages at a million
// posts, and a map of every post's place took a second there.
void order_archive_pages(std::span<Unit> units, const feeds::ArchiveCatalog& archives) {
  const auto pages = std::find_if(units.begin(), units.end(),
                                  [](const Unit& unit) { return unit.page != nullptr; });
  std::unordered_map<std::string_view, std::size_t> position;  // of each page's oldest post
  for (auto unit = pages; unit != units.end(); ++unit) {
    if (!unit->page->keys.empty()) {
      position.emplace(unit->page->keys.front(), 0);
    }
  }
  if (position.size() < 2) {
    return;
  }
  std::size_t place = 0;
  for (const feeds::ArchivePage* page : archives.pages()) {
    if (page->lang.empty()) {
      for (const std::string_view key : page->keys) {
        if (auto found = position.find(key); found != position.end()) {
          found->second = place;
        }
        ++place;
      }
    }
  }
  auto first = [&](const Unit& unit) {
    return unit.page->keys.empty() ? 0 : position.at(unit.page->keys.front());
  };
  std::stable_sort(pages, units.end(),
                   [&](const Unit& a, const Unit& b) { return first(a) < first(b); });
}

class CatalogWriter {
 public:
  CatalogWriter(SitePipeline& pipeline, std::filesystem::path out, std::chrono::sys_seconds now)
      : pipeline_(pipeline),
        out_(std::move(out)),
        now_(now),
        identity_(renderer_identity()),
        recent_(kRecentPages * static_cast<std::size_t>(pipeline.config().feeds.archive_size)),
        entries_(kRecentEntryPages *
                 static_cast<std::size_t>(pipeline.config().feeds.archive_size)),
        entries_from_(pipeline.index_replacements()),
        staged_(out_) {
    records_ = pipeline_.read_index(
        [&](storage::Index& index) { return index.built_files(out_.string()); }, now_);
  }

  // Queues `unit`'s files that are not current; `digest`: its catalog's digest; `paths`:
  // each format's file.
  void add(Unit unit, const std::string& digest,
           const std::vector<std::pair<feeds::FeedFormat, std::string>>& paths) {
    const auto inputs = common::Sha256().field(identity_).field(digest).hex();
    for (const auto& [format, path] : paths) {
      ++written_.files;
      if (!current(path, inputs)) {
        unit.files.push_back({path, inputs, format});
      }
    }
    if (!unit.files.empty()) {
      units_.push_back(std::move(unit));
    }
  }

  // Orders the archive pages queued (after the topic feeds) for rendering (see
  // order_archive_pages()).
  void order_pages(const feeds::ArchiveCatalog& archives) { order_archive_pages(units_, archives); }

  // Collects batch after batch here while the one before renders on `threads` workers (none:
  // all on this thread), then writes it.
  boost::system::result<CatalogFilesWritten> write(std::size_t threads) {
    TaskPool pool(threads);  // before the batches: outlives them
    std::unique_ptr<RenderBatch> running;
    std::pair<std::size_t, std::size_t> running_units;
    std::size_t next = 0;
    while (running || next < units_.size()) {
      std::unique_ptr<RenderBatch> prepared;
      const std::size_t first = next;
      if (next < units_.size()) {
        prepared = collect(next);
      }
      if (!running) {
        prepared->start(pool);
        running = std::move(prepared);
        running_units = {first, next};
        continue;
      }
      auto batch = running->wait();
      if (prepared) {
        prepared->start(pool);  // renders while this thread writes the one before
      }
      if (auto written = write_batch(batch, running_units, !prepared); !written) {
        return written.error();
      }
      running = std::move(prepared);
      running_units = {first, next};
    }
    return written_;
  }

 private:
  // The next batch, from unit `next` on (advanced past it): about kBatch files.
  std::unique_ptr<RenderBatch> collect(std::size_t& next) {
    auto batch = std::make_unique<RenderBatch>(pipeline_.site(), recent_);
    while (next < units_.size() && batch->files() < kBatch) {
      const Unit& unit = units_[next++];
      auto content = unit.page != nullptr ? collect_page(*unit.page)
                                          : pipeline_.collect_topic(*unit.topic, now_, false);
      std::vector<feeds::FeedFormat> formats;
      for (const File& file : unit.files) {
        formats.push_back(file.format);
      }
      batch->add(std::move(content), formats);
    }
    return batch;
  }

  // `page`'s content, its entries copied from the last pages where they were made; entries
  // made from an index since rebuilt (SitePipeline::read_index: by a record() between two
  // pages, or by this page's own read) are forgotten, and the page collected from the new one.
  feeds::FeedContent collect_page(const feeds::ArchivePage& page) {
    forget_entries_of_a_replaced_index();
    auto content = pipeline_.collect_archive(page, now_, false, &entries_);
    if (forget_entries_of_a_replaced_index()) {
      content = pipeline_.collect_archive(page, now_, false, &entries_);
    }
    return content;
  }

  // Clears entries_ when the index was replaced since they were made; whether it was.
  bool forget_entries_of_a_replaced_index() {
    const auto replacements = pipeline_.index_replacements();
    if (replacements == entries_from_) {
      return false;
    }
    entries_.clear();
    entries_from_ = replacements;
    return true;
  }

  // Stages `batch`, the files of units [first, second); commits (and records) what is staged
  // once kCommitBytes are, or when `last`.
  boost::system::result<void> write_batch(const std::vector<feeds::RenderedFeed>& batch,
                                          std::pair<std::size_t, std::size_t> units, bool last) {
    auto changed = staged_.stage(batch);
    if (!changed) {
      return changed.error();
    }
    written_.changed += *changed;
    written_.rendered += batch.size();
    [[maybe_unused]] const std::size_t first_file = unrecorded_.size();  // for the assert
    for (std::size_t u = units.first; u < units.second; ++u) {
      for (const File& file : units_[u].files) {
        unrecorded_.push_back(&file);
        // The record names the file written.
        assert(batch[unrecorded_.size() - 1 - first_file].path == file.path);
      }
    }
    return last || staged_.bytes() >= kCommitBytes ? commit() : boost::system::result<void>();
  }

  // Makes the staged files durable and puts them in place, then records them.
  boost::system::result<void> commit() {
    if (auto committed = staged_.commit(); !committed) {
      return committed.error();
    }
    record(unrecorded_);
    unrecorded_.clear();
    return {};
  }

  bool current(const std::string& path, const std::string& inputs) const {
    const auto record = records_.find(path);
    if (record == records_.end() || record->second.inputs != inputs) {
      return false;
    }
    const auto on_disk = stat_file(out_ / output_file(path));
    return on_disk && on_disk->size == record->second.size &&
           on_disk->mtime_ns == record->second.mtime_ns;
  }

  // Records `written` as written, with their files' stat now.
  void record(const std::vector<const File*>& written) {
    if (unrecordable_) {
      return;
    }
    std::vector<std::pair<std::string, storage::BuiltFile>> files;
    for (const File* written_file : written) {
      if (auto file = stat_file(out_ / output_file(written_file->path))) {
        file->inputs = written_file->inputs;
        files.emplace_back(written_file->path, std::move(*file));
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
  RecentBodies recent_;
  RecentEntries entries_;
  std::uint64_t entries_from_;  // the index's replacements when entries_ were made
  std::unordered_map<std::string, storage::BuiltFile> records_;
  std::vector<Unit> units_;
  StagedFiles staged_;                   // files written, not yet committed
  std::vector<const File*> unrecorded_;  // their records, written once they are committed
  CatalogFilesWritten written_;
  bool unrecordable_ = false;
};

// Worker threads for `requested` render threads (0: one per core, at most kMaxThreads).
std::size_t build_threads(std::size_t requested) {
  if (requested == 0) {
    requested = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxThreads);
  }
  return requested == 1 ? 0 : requested;  // one: no worker, all on the calling thread
}

}  // namespace

boost::system::result<CatalogFilesWritten> write_catalog_files(SitePipeline& pipeline,
                                                               const std::filesystem::path& out,
                                                               std::chrono::sys_seconds now,
                                                               std::size_t threads) {
  CatalogWriter writer(pipeline, out, now);
  const auto topics = pipeline.topics();
  for (const auto& topic : topics->topics()) {
    const feeds::FeedContent where{topic->lang, {}, topic->topic, {}};
    std::vector<std::pair<feeds::FeedFormat, std::string>> paths;
    for (auto format : {feeds::FeedFormat::atom, feeds::FeedFormat::rss, feeds::FeedFormat::json}) {
      paths.emplace_back(format, feeds::feed_path(where, format));
    }
    writer.add(Unit{nullptr, topic.get(), {}}, topic->digest, paths);
  }
  const auto archives = pipeline.archives();
  for (const feeds::ArchivePage* page : archives->pages()) {
    writer.add(Unit{page, nullptr, {}}, page->digest,
               {{feeds::FeedFormat::atom, feeds::archive_path(page->lang, page->number)}});
  }
  writer.order_pages(*archives);
  return writer.write(build_threads(threads));
}

}  // namespace feedd::daemon
