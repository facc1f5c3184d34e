#include "feeds/topic_index.h"

#include <algorithm>
#include <cassert>
#include <tuple>

#include "common/sha256.h"
#include "common/topic_segment.h"
#include "feeds/post_order.h"

namespace feedd::feeds {
namespace {

bool same_tombstones(const std::vector<Tombstone>& a, const std::vector<Tombstone>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(),
      [](const Tombstone& x, const Tombstone& y) { return x.id == y.id && x.when == y.when; });
}

}  // namespace

TopicIndex::TopicIndex(std::size_t entries_per_topic, std::string salt)
    : entries_(entries_per_topic), salt_(std::move(salt)) {}

const std::string& TopicIndex::segment_of(std::string_view name) {
  auto it = segments_.find(name);
  if (it == segments_.end()) {
    it = segments_.emplace(std::string(name), common::topic_segment(name)).first;
  }
  return it->second;
}

std::vector<TopicIndex::Named> TopicIndex::topics_of(const storage::PostTopics& post) {
  std::vector<Named> named;
  auto add_names = [&](TopicKind kind, storage::NameList names) {
    std::uint32_t number = 0;
    for (const std::string_view name : names) {
      const std::uint32_t this_one = number++;
      const std::string& segment = segment_of(name);
      if (segment.empty() || segment == "." || segment == "..") {
        continue;
      }
      const bool repeated = std::any_of(named.begin(), named.end(), [&](const Named& n) {
        return n.kind == kind && *n.segment == segment;
      });
      if (!repeated) {  // two spellings of one topic in one post count once
        named.push_back({kind, &segment, this_one});
      }
    }
  };
  add_names(TopicKind::tag, post.tags());
  add_names(TopicKind::category, post.categories());
  return named;
}

bool TopicIndex::Newer::operator()(const Member& member, const storage::PostTopics* post) const {
  return newer(*member.post, *post);
}

void TopicIndex::add(const storage::PostTopics& post) {
  for (const Named& named : topics_of(post)) {
    for (Key key : {Key{std::string(post.lang()), named.kind, *named.segment},
                    Key{"", named.kind, *named.segment}}) {
      auto [topic, created] = topics_.try_emplace(std::move(key));
      keys_changed_ |= created;
      auto& members = topic->second.members;
      // Posts mostly come newest first (a whole store) or among the newest (an edit).
      auto at = members.empty() || newer(*members.back().post, post)
                    ? members.end()
                    : std::lower_bound(members.begin(), members.end(), &post, Newer{});
      members.insert(at, Member{&post, named.name});
      touch(topic);
    }
  }
}

void TopicIndex::shrink_to_fit() {
  for (auto& [key, topic] : topics_) {
    topic.members.shrink_to_fit();
  }
}

void TopicIndex::touch(Topics::iterator topic) {
  if (!topic->second.dirty) {
    dirty_.push_back(topic);  // first: the flag says it is listed
    topic->second.dirty = true;
  }
}

void TopicIndex::remove_member(const Key& key, const storage::PostTopics& post) {
  auto found = topics_.find(key);
  if (found == topics_.end()) {
    return;  // not among the topics (a post never added)
  }
  auto& members = found->second.members;
  auto at = std::lower_bound(members.begin(), members.end(), &post, Newer{});
  if (at != members.end() && at->post == &post) {
    members.erase(at);
    touch(found);
  }
}

void TopicIndex::remove(const storage::PostTopics& post) {
  for (const Named& named : topics_of(post)) {
    remove_member(Key{std::string(post.lang()), named.kind, *named.segment}, post);
    remove_member(Key{"", named.kind, *named.segment}, post);
  }
}

void TopicIndex::update_tombstones(const std::vector<storage::PostTopics>& gone) {
  std::map<Key, std::vector<Tombstone>> now;
  for (const storage::PostTopics& post : gone) {
    for (const Named& named : topics_of(post)) {
      for (Key key : {Key{std::string(post.lang()), named.kind, *named.segment},
                      Key{"", named.kind, *named.segment}}) {
        auto topic = topics_.find(key);
        if (topic == topics_.end() || topic->second.members.empty()) {
          continue;  // a tombstone only of a topic that still has a published post
        }
        auto& list = now[std::move(key)];
        if (list.size() < entries_) {
          list.push_back(Tombstone{std::string(post.entry_id()), post.updated});
        }
      }
    }
  }
  for (const Key& key : tombstoned_) {
    now.try_emplace(key);  // those that had some and may have none now
  }
  tombstoned_.clear();
  for (auto& [key, list] : now) {
    auto topic = topics_.find(key);
    if (topic == topics_.end()) {
      continue;
    }
    if (!same_tombstones(topic->second.tombstones, list)) {
      topic->second.tombstones = std::move(list);
      touch(topic);
    }
    if (!topic->second.tombstones.empty()) {
      tombstoned_.insert(key);
    }
  }
}

std::shared_ptr<const CatalogTopic> TopicIndex::make(const Key& key, Topic& topic) const {
  auto made = std::make_shared<CatalogTopic>();
  made->lang = std::get<0>(key);
  const Member& first = topic.members.front();
  const storage::NameList names =
      std::get<1>(key) == TopicKind::tag ? first.post->tags() : first.post->categories();
  made->topic = FeedTopic{std::get<1>(key), std::string(*std::next(names.begin(), first.name)),
                          std::get<2>(key)};
  made->posts = topic.members.size();
  const std::size_t shown = std::min(entries_, topic.members.size());
  made->keys.reserve(shown);
  std::string ids;  // entry id, updated time, visible and translations hashes of each key
  for (std::size_t i = 0; i < shown; ++i) {
    const storage::PostTopics& post = *topic.members[i].post;
    made->keys.emplace_back(post.key());
    made->last_modified = std::max(made->last_modified, post.updated);
    ids += post.entry_id();
    ids += '\x1f';
    ids += std::to_string(post.updated.time_since_epoch().count());
    ids += '\x1f';
    ids += std::to_string(post.visible_hash);
    ids += '\x1f';
    ids += std::to_string(post.translations_hash);
    ids += '\x1e';
  }
  made->tombstones = topic.tombstones;
  common::Sha256 hash;
  hash.field(salt_).field(made->lang).field(topic_kind_dir(made->topic.kind));
  hash.field(made->topic.segment).field(made->topic.name);
  hash.field(ids);
  for (const Tombstone& tombstone : made->tombstones) {
    hash.field(tombstone.id).field(std::to_string(tombstone.when.time_since_epoch().count()));
  }
  made->digest = hash.hex();
  return made;
}

std::shared_ptr<const TopicCatalog> TopicIndex::catalog(
    const std::vector<storage::PostTopics>& gone) {
  update_tombstones(gone);
  std::vector<const Key*> remade;  // of topics still there
  std::vector<Topics::iterator> dirty;
  dirty.swap(dirty_);
  std::size_t done = 0;
  try {
    for (; done < dirty.size(); ++done) {
      const Topics::iterator topic = dirty[done];
      if (topic->second.members.empty()) {
        tombstoned_.erase(topic->first);
        topics_.erase(topic);
        keys_changed_ = true;
      } else {
        topic->second.built = make(topic->first, topic->second);
        topic->second.dirty = false;
        remade.push_back(&topic->first);
      }
    }
  } catch (...) {
    // Out of memory: the topics not made yet stay listed (and flagged), none erased is, and
    // the next catalog lists every topic again (last_ knows nothing of those made).
    dirty_.assign(dirty.begin() + static_cast<std::ptrdiff_t>(done), dirty.end());
    keys_changed_ = true;
    throw;
  }
  if (keys_changed_ || last_.size() != topics_.size()) {
    // Topics came or went: every position may have moved.
    last_.clear();
    last_.reserve(topics_.size());
    for (const auto& [key, topic] : topics_) {
      last_.push_back(topic.built);
    }
  } else {
    // The same keys in the same (std::map) order: only the remade topics are replaced, found
    // by binary search (5,000 tags are ~20,000 topics; an edit remakes a few).
    for (const Key* key : remade) {
      auto at = std::lower_bound(
          last_.begin(), last_.end(), *key, [](const auto& topic, const Key& wanted) {
            return std::tie(topic->lang, topic->topic.kind, topic->topic.segment) < wanted;
          });
      assert(at != last_.end() && (*at)->topic.segment == std::get<2>(*key) &&
             "a kept topic is missing from the last catalog");
      *at = topics_.find(*key)->second.built;
    }
  }
  keys_changed_ = false;
  return std::make_shared<const TopicCatalog>(last_);  // std::map order
}

}  // namespace feedd::feeds
