#include "feeds/post_catalogs.h"

#include <algorithm>
#include <tuple>

#include "common/fnv1a.h"

namespace feedd::feeds {
namespace {

bool same_place(const storage::PostTopics& a, const storage::PostTopics& b) {
  return std::tuple(a.key(), a.lang(), a.published, a.source_path(), a.position) ==
         std::tuple(b.key(), b.lang(), b.published, b.source_path(), b.position);
}

// What a translation of `row` shows of it (its language, title and link: all in its visible
// hash and key), and what decides whether it is one (its place among a page-text day's; the
// navigation lines that pair page text are in its visible hash, rows::topics_hash).
std::uint64_t translation_facts(const storage::PostTopics& row) {
  std::uint64_t hash = common::fnv1a(row.key());
  hash = common::fnv1a_number(row.visible_hash, hash);
  hash = common::fnv1a_number(static_cast<std::uint64_t>(row.published.time_since_epoch().count()),
                              hash);
  hash = common::fnv1a_number(static_cast<std::uint64_t>(row.position), hash);
  return common::fnv1a(row.source_path(), hash);
}

}  // namespace

PostCatalogs::PostCatalogs(std::size_t topic_entries, std::string topic_salt,
                           ArchiveCatalog::Options archive)
    : topic_index_(topic_entries, std::move(topic_salt)), archive_index_(std::move(archive)) {}

void PostCatalogs::replace(Row row) {
  auto handle = posts_.extract(posts_.find(row->row.key()));
  handle.value() = std::move(row);  // the same key, so the same bucket: no rehash
  posts_.insert(std::move(handle));
}

void PostCatalogs::put(Node* old, Row row) {
  if (old) {
    topic_index_.remove(old->row);
  }
  if (row) {
    topic_index_.add(row->row);
  }
  if (old && row && same_place(old->row, row->row)) {
    archive_index_.replace(old->row, row->row);
  } else {
    if (old) {
      archive_index_.remove(old->row);
    }
    if (row) {
      archive_index_.add(row->row);
    }
  }
  // The old row is freed only now that nothing points to it.
  if (old == nullptr) {
    posts_.insert(std::move(row));
  } else if (row) {
    replace(std::move(row));
  } else {
    posts_.erase(posts_.find(old->row.key()));
  }
}

void PostCatalogs::link(Node& node) {
  const std::uint64_t group = node.row.translation_group;
  if (group == 0) {
    return;
  }
  auto [ring, fresh] = rings_.try_emplace(group, Ring{&node});
  if (!fresh) {
    node.next = ring->second.first->next;
    ring->second.first->next = &node;
  }
  ring->second.sum += translation_facts(node.row);
}

void PostCatalogs::unlink(Node& node) {
  const std::uint64_t group = node.row.translation_group;
  if (group == 0) {
    return;
  }
  auto ring = rings_.find(group);
  if (node.next == &node) {
    rings_.erase(ring);
    return;
  }
  ring->second.sum -= translation_facts(node.row);
  Node* before = node.next;
  while (before->next != &node) {
    before = before->next;
  }
  before->next = node.next;
  if (ring->second.first == &node) {
    ring->second.first = node.next;
  }
  node.next = &node;
}

std::uint64_t PostCatalogs::translations_hash(const Node& node) const {
  const std::uint64_t group = node.row.translation_group;
  return group == 0 ? 0 : rings_.at(group).sum - translation_facts(node.row);
}

std::size_t PostCatalogs::refresh(const std::unordered_set<std::uint64_t>& groups) {
  std::size_t changes = 0;
  for (const std::uint64_t group : groups) {
    const auto ring = rings_.find(group);
    if (ring == rings_.end()) {
      continue;  // its last post went
    }
    Node* node = ring->second.first;
    do {
      const std::uint64_t shown = translations_hash(*node);
      if (node->row.translations_hash != shown) {
        // Changed in place, out of the topics meanwhile; the archive pages only hash it.
        topic_index_.remove(node->row);
        node->row.translations_hash = shown;
        topic_index_.add(node->row);
        archive_index_.replace(node->row, node->row);
        ++changes;
      }
      node = node->next;
    } while (node != ring->second.first);
  }
  return changes;
}

void PostCatalogs::settle() {
  // Filled from scratch, every post is among those added and each gets its translations now;
  // otherwise posts already in the catalogs may have new partners among them.
  const bool from_scratch = added_.size() == posts_.size();
  std::unordered_set<std::uint64_t> touched;
  for (Node* node : added_) {
    node->row.translations_hash = translations_hash(*node);
    topic_index_.add(node->row);
    archive_index_.add(node->row);
    if (!from_scratch && node->row.translation_group != 0) {
      touched.insert(node->row.translation_group);
    }
  }
  added_.clear();
  if (from_scratch) {  // the room for a store's posts at once, not needed again
    added_.shrink_to_fit();
    topic_index_.shrink_to_fit();
  }
  refresh(touched);
}

void PostCatalogs::add(storage::PostTopics row) {
  const auto found = posts_.find(row.key());
  if (found == posts_.end()) {
    auto node = std::make_unique<Node>(std::move(row));
    added_.push_back(node.get());
    link(*node);
    posts_.insert(std::move(node));
  } else if (auto waiting = std::find(added_.begin(), added_.end(), found->get());
             waiting != added_.end()) {
    unlink(**found);  // a key given again while filling: the row replaced
    auto node = std::make_unique<Node>(std::move(row));
    *waiting = node.get();
    link(*node);
    replace(std::move(node));
  } else {  // given again once in the catalogs: as a followed edit
    std::string key(row.key());
    std::vector<storage::PostTopics> rows;
    rows.push_back(std::move(row));
    apply({std::move(key)}, std::move(rows));
  }
}

std::size_t PostCatalogs::apply(const std::vector<std::string>& checked,
                                std::vector<storage::PostTopics> rows) {
  settle();
  // First every post in its group's ring as it is now, then each row with its translations
  // as they are now, then the other posts of the groups that changed.
  std::unordered_set<std::uint64_t> touched;
  std::unordered_set<std::string> placed;       // keys of `rows`, then of those gone
  std::vector<std::pair<Node*, Row>> incoming;  // (the post in posts_ or null, its new row)
  incoming.reserve(rows.size());
  for (storage::PostTopics& row : rows) {
    if (!checked.empty()) {
      placed.emplace(row.key());
    }
    const auto found = posts_.find(row.key());
    Node* old = found == posts_.end() ? nullptr : found->get();
    if (old != nullptr) {
      touched.insert(old->row.translation_group);
      unlink(*old);
    }
    auto next = std::make_unique<Node>(std::move(row));
    touched.insert(next->row.translation_group);
    link(*next);
    incoming.emplace_back(old, std::move(next));
  }
  std::vector<Node*> gone;
  for (const std::string& key : checked) {
    const auto found = posts_.find(key);
    if (found != posts_.end() && placed.insert(key).second) {
      touched.insert((*found)->row.translation_group);
      unlink(**found);
      gone.push_back(found->get());
    }
  }
  touched.erase(0);
  std::size_t changes = 0;
  for (auto& [old, row] : incoming) {
    row->row.translations_hash = translations_hash(*row);
    if (old != nullptr && old->row == row->row) {
      unlink(*row);  // the row as it was stays, in its group's ring too
      link(*old);
      continue;
    }
    put(old, std::move(row));
    ++changes;
  }
  for (Node* old : gone) {
    put(old, nullptr);
    ++changes;
  }
  return changes + refresh(touched);
}

std::shared_ptr<const TopicCatalog> PostCatalogs::topics(
    const std::vector<storage::PostTopics>& gone) {
  settle();
  return topic_index_.catalog(gone);
}

std::shared_ptr<const ArchiveCatalog> PostCatalogs::archives() {
  settle();
  return archive_index_.catalog();
}

}  // namespace feedd::feeds
