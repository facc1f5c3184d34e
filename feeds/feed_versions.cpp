#include "feeds/feed_versions.h"

#include <algorithm>

#include "feeds/snapshot.h"

namespace feedd::feeds {
namespace {

std::string_view suffix_of(Coding coding) {
  switch (coding) {
    case Coding::gzip:
      return "-gz";
    case Coding::br:
      return "-br";
    case Coding::identity:
      break;
  }
  return "";
}

// Whether `entity_tag` (W/ allowed) is `identity_tag` (quoted) served in `coding`: the
// suffix make_etag() adds goes before the closing quote.
bool names(std::string_view entity_tag, std::string_view identity_tag, Coding coding) {
  if (entity_tag.starts_with("W/")) {
    entity_tag.remove_prefix(2);
  }
  const std::string_view suffix = suffix_of(coding);
  const std::string_view stem = identity_tag.substr(0, identity_tag.size() - 1);  // no '"'
  return identity_tag.size() >= 2 && entity_tag.size() == identity_tag.size() + suffix.size() &&
         entity_tag.starts_with(stem) && entity_tag.substr(stem.size()).starts_with(suffix) &&
         entity_tag.back() == '"';
}

std::string key_of(const EntryStamp& stamp) {
  return stamp.id + '\n' + std::to_string(stamp.at.time_since_epoch().count()) + '\n' +
         std::to_string(stamp.version);
}

// The ids of `current` whose (id, stamp) is not among `old`'s.
std::unordered_set<std::string> missing(const std::vector<EntryStamp>& old,
                                        const std::vector<EntryStamp>& current) {
  std::unordered_set<std::string> had;
  had.reserve(old.size());
  for (const EntryStamp& stamp : old) {
    had.insert(key_of(stamp));
  }
  std::unordered_set<std::string> out;
  for (const EntryStamp& stamp : current) {
    if (!had.contains(key_of(stamp))) {
      out.insert(stamp.id);
    }
  }
  return out;
}

}  // namespace

DeltaSelection select_delta(const EntrySet& old, const EntrySet& current) {
  return {missing(old.entries, current.entries), missing(old.tombstones, current.tombstones)};
}

std::shared_ptr<const FeedVersions> FeedVersions::next(const FeedVersions* previous,
                                                       std::string tag,
                                                       std::shared_ptr<const EntrySet> set,
                                                       std::size_t keep) {
  auto versions = std::make_shared<FeedVersions>();
  keep = std::max<std::size_t>(keep, 1);
  if (previous != nullptr) {
    for (const FeedVersion& version : previous->versions_) {
      if (version.tag != tag) {
        versions->versions_.push_back(version);
      }
    }
  }
  versions->versions_.push_back(FeedVersion{std::move(tag), std::move(set)});
  if (versions->versions_.size() > keep) {
    const auto excess = static_cast<std::ptrdiff_t>(versions->versions_.size() - keep);
    versions->versions_.erase(versions->versions_.begin(), versions->versions_.begin() + excess);
  }
  return versions;
}

const FeedVersion* FeedVersions::find(std::string_view entity_tag, Coding coding) const {
  for (auto it = versions_.rbegin(); it != versions_.rend(); ++it) {
    if (names(entity_tag, it->tag, coding)) {
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace feedd::feeds
