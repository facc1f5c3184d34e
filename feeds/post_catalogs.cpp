#include "feeds/post_catalogs.h"

#include <tuple>
#include <unordered_set>

namespace feedd::feeds {
namespace {

bool same_row(const storage::PostTopics& a, const storage::PostTopics& b) {
  return std::tie(a.key, a.lang, a.entry_id, a.updated, a.tags, a.categories, a.published,
                  a.source_path, a.position, a.visible_hash) ==
         std::tie(b.key, b.lang, b.entry_id, b.updated, b.tags, b.categories, b.published,
                  b.source_path, b.position, b.visible_hash);
}

bool same_place(const storage::PostTopics& a, const storage::PostTopics& b) {
  return std::tie(a.key, a.lang, a.published, a.source_path, a.position) ==
         std::tie(b.key, b.lang, b.published, b.source_path, b.position);
}

}  // namespace

PostCatalogs::PostCatalogs(std::size_t topic_entries, std::string topic_salt,
                           ArchiveCatalog::Options archive)
    : topic_index_(topic_entries, std::move(topic_salt)), archive_index_(std::move(archive)) {}

bool PostCatalogs::put(Row& old, Row row) {
  if (old && row && same_row(*old, *row)) {
    return false;
  }
  if (old) {
    topic_index_.remove(*old);
  }
  if (row) {
    topic_index_.add(*row);
  }
  if (old && row && same_place(*old, *row)) {
    archive_index_.replace(*old, *row);
  } else {
    if (old) {
      archive_index_.remove(*old);
    }
    if (row) {
      archive_index_.add(*row);
    }
  }
  old = std::move(row);  // the old row is freed only now that nothing points to it
  return true;
}

void PostCatalogs::add(storage::PostTopics row) {
  Row& slot = posts_[row.key];
  put(slot, std::make_unique<const storage::PostTopics>(std::move(row)));
}

std::size_t PostCatalogs::apply(const std::vector<std::string>& checked,
                                std::vector<storage::PostTopics> rows) {
  std::size_t changes = 0;
  std::unordered_set<std::string> published;  // among `checked`
  for (storage::PostTopics& row : rows) {
    if (!checked.empty()) {
      published.insert(row.key);
    }
    Row& slot = posts_[row.key];
    changes += put(slot, std::make_unique<const storage::PostTopics>(std::move(row))) ? 1 : 0;
  }
  for (const std::string& key : checked) {
    auto it = posts_.find(key);
    if (it != posts_.end() && !published.contains(key)) {
      put(it->second, nullptr);
      posts_.erase(it);
      ++changes;
    }
  }
  return changes;
}

std::shared_ptr<const TopicCatalog> PostCatalogs::topics(
    const std::vector<storage::PostTopics>& gone) {
  return topic_index_.catalog(gone);
}

}  // namespace feedd::feeds
