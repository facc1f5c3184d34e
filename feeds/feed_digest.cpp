#include "feeds/feed_digest.h"

#include <date/tz.h>

#include "common/sha256.h"

namespace feedd::feeds {
namespace {

void add_time(common::Sha256& hash, std::chrono::sys_seconds t) {
  hash.field(std::to_string(t.time_since_epoch().count()));
}

void add_list(common::Sha256& hash, const std::vector<std::string>& items) {
  hash.field(std::to_string(items.size()));
  for (const auto& item : items) {
    hash.field(item);
  }
}

void add_post(common::Sha256& hash, const storage::Post& post) {
  hash.field(post.key).field(post.source_path);
  hash.field(std::to_string(post.source_line)).field(std::to_string(post.position));
  hash.field(std::to_string(static_cast<int>(post.format)));
  hash.field(post.lang).field(post.title).field(post.content_html).field(post.summary);
  hash.field(post.url).field(post.slug).field(post.author);
  add_list(hash, post.tags);
  add_list(hash, post.categories);
  add_time(hash, post.published);
  hash.field(post.updated ? "u" : "-");
  if (post.updated) {
    add_time(hash, *post.updated);
  }
  hash.field(post.local_date).field(post.draft ? "draft" : "");
  hash.field(post.translation_key).field(post.previous_title).field(post.next_title);
}

}  // namespace

std::string feed_digest(const FeedContent& feed) {
  common::Sha256 hash;
  hash.field(feed.lang).field(std::to_string(feed.entries.size()));
  if (feed.topic) {
    hash.field(topic_kind_dir(feed.topic->kind)).field(feed.topic->name).field(feed.topic->segment);
  } else {
    hash.field("-");
  }
  hash.field(feed.archive_newest ? std::to_string(*feed.archive_newest) : "-");
  hash.field(feed.archive_page ? std::to_string(*feed.archive_page) : "-");
  hash.field(feed.archive_has_next ? "next" : "-");
  for (const Entry& entry : feed.entries) {
    add_post(hash, entry.post);
    hash.field(entry.id).field(entry.url);
    add_time(hash, entry.updated);
    hash.field(std::to_string(entry.translations.size()));
    for (const Alternate& alternate : entry.translations) {
      hash.field(alternate.lang).field(alternate.url).field(alternate.title);
    }
  }
  hash.field(std::to_string(feed.tombstones.size()));
  for (const Tombstone& tombstone : feed.tombstones) {
    hash.field(tombstone.id);
    add_time(hash, tombstone.when);
  }
  return hash.hex();
}

std::string site_digest(const SiteOptions& site) {
  common::Sha256 hash;
  hash.field(site.base_url).field(site.feeds_url).field(site.author);
  hash.field(site.timezone != nullptr ? site.timezone->name() : "");
  hash.field(site.post_url_template);
  hash.field(std::to_string(site.languages.size()));
  for (const LanguageInfo& language : site.languages) {
    hash.field(language.code).field(language.title).field(language.description);
  }
  hash.field(std::to_string(site.max_age_s)).field(site.full_content ? "full" : "summary");
  hash.field(std::to_string(site.hubs.size()));
  for (const std::string& hub : site.hubs) {
    hash.field(hub);
  }
  return hash.hex();
}

}  // namespace feedd::feeds
