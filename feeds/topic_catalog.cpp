#include "feeds/topic_catalog.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "common/sha256.h"
#include "common/topic_segment.h"

namespace feedd::feeds {
namespace {

using TopicKey = std::tuple<std::string, TopicKind, std::string>;  // lang, kind, segment

// A topic being collected: its entries' digest fields until the list is full.
struct Collecting {
  CatalogTopic topic;
  std::string ids;  // entry id and updated time of each key, framed
};

class Builder {
 public:
  Builder(std::size_t entries, std::string_view salt) : entries_(entries), salt_(salt) {}

  // `gone`: a post that went away, a tombstone of its topics that exist by now.
  void add(const TopicPost& post, bool gone = false) {
    std::vector<std::pair<TopicKind, const std::string*>> seen;  // this post's topics
    auto add_names = [&](TopicKind kind, const std::vector<std::string>& names) {
      for (const std::string& name : names) {
        const std::string& segment = segment_of(name);
        if (segment.empty() || segment == "." || segment == "..") {
          continue;
        }
        const bool repeated = std::any_of(seen.begin(), seen.end(), [&](const auto& s) {
          return s.first == kind && *s.second == segment;
        });
        if (repeated) {
          continue;  // two spellings of one topic in one post count once
        }
        seen.emplace_back(kind, &segment);
        if (gone) {
          add_tombstone(post, post.lang, kind, segment);
          add_tombstone(post, "", kind, segment);
        } else {
          add_to(post, post.lang, kind, name, segment);
          add_to(post, "", kind, name, segment);
        }
      }
    };
    add_names(TopicKind::tag, post.tags);
    add_names(TopicKind::category, post.categories);
  }

  std::vector<CatalogTopic> finish() {
    std::vector<CatalogTopic> topics;
    topics.reserve(collecting_.size());
    for (auto& [key, collecting] : collecting_) {
      common::Sha256 hash;
      hash.field(salt_)
          .field(collecting.topic.lang)
          .field(topic_kind_dir(collecting.topic.topic.kind));
      hash.field(collecting.topic.topic.segment).field(collecting.topic.topic.name);
      hash.field(collecting.ids);
      for (const Tombstone& tombstone : collecting.topic.tombstones) {
        hash.field(tombstone.id).field(std::to_string(tombstone.when.time_since_epoch().count()));
      }
      collecting.topic.digest = hash.hex();
      topics.push_back(std::move(collecting.topic));
    }
    return topics;  // std::map order: lang, kind, segment
  }

 private:
  const std::string& segment_of(const std::string& name) {
    auto it = segments_.find(name);
    if (it == segments_.end()) {
      it = segments_.emplace(name, common::topic_segment(name)).first;
    }
    return it->second;
  }

  void add_to(const TopicPost& post, const std::string& lang, TopicKind kind,
              const std::string& name, const std::string& segment) {
    auto [it, fresh] = collecting_.try_emplace(TopicKey{lang, kind, segment});
    Collecting& collecting = it->second;
    if (fresh) {
      collecting.topic.lang = lang;
      collecting.topic.topic = FeedTopic{kind, name, segment};
    }
    ++collecting.topic.posts;
    if (collecting.topic.keys.size() < entries_) {
      collecting.topic.keys.push_back(post.key);
      collecting.topic.last_modified = std::max(collecting.topic.last_modified, post.updated);
      collecting.ids += post.entry_id;
      collecting.ids += '\x1f';
      collecting.ids += std::to_string(post.updated.time_since_epoch().count());
      collecting.ids += '\x1e';
    }
  }

  void add_tombstone(const TopicPost& post, const std::string& lang, TopicKind kind,
                     const std::string& segment) {
    auto it = collecting_.find(TopicKey{lang, kind, segment});
    if (it != collecting_.end() && it->second.topic.tombstones.size() < entries_) {
      it->second.topic.tombstones.push_back(Tombstone{post.entry_id, post.updated});
    }
  }

  const std::size_t entries_;
  const std::string_view salt_;
  std::unordered_map<std::string, std::string> segments_;  // name -> segment, computed once
  std::map<TopicKey, Collecting> collecting_;
};

}  // namespace

std::shared_ptr<const TopicCatalog> TopicCatalog::build(const std::vector<TopicPost>& posts,
                                                        std::size_t entries_per_topic,
                                                        std::string_view salt,
                                                        const std::vector<TopicPost>& gone) {
  Builder builder(entries_per_topic, salt);
  for (const TopicPost& post : posts) {
    builder.add(post);
  }
  for (const TopicPost& post : gone) {
    builder.add(post, true);
  }
  auto catalog = std::make_shared<TopicCatalog>();
  catalog->topics_ = builder.finish();
  return catalog;
}

const CatalogTopic* TopicCatalog::find(std::string_view lang, TopicKind kind,
                                       std::string_view segment) const {
  const auto wanted = std::make_tuple(lang, kind, segment);
  auto it = std::lower_bound(
      topics_.begin(), topics_.end(), wanted, [](const CatalogTopic& topic, const auto& key) {
        return std::make_tuple(std::string_view(topic.lang), topic.topic.kind,
                               std::string_view(topic.topic.segment)) < key;
      });
  if (it == topics_.end() || it->lang != lang || it->topic.kind != kind ||
      it->topic.segment != segment) {
    return nullptr;
  }
  return &*it;
}

}  // namespace feedd::feeds
