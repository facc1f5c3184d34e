#include "daemon/pipeline/entry_query.h"

#include <map>
#include <string_view>
#include <unordered_map>

#include "daemon/log.h"
#include "feeds/html_document.h"
#include "feeds/render.h"

namespace feedd::daemon {
namespace {

// Builds entries: make() once per key (the all-languages feed repeats the language feeds'
// posts), build() for a page or topic feed, which shows each post once.
class EntryMaker {
 public:
  EntryMaker(storage::Index& index, const feeds::SiteOptions& site, std::chrono::sys_seconds now,
             const ParsedBodies* previous = nullptr, bool parse = true)
      : index_(index), site_(site), now_(now), previous_(previous), parse_(parse) {}

  const feeds::Entry& make(const storage::IndexedPost& indexed) {
    auto it = made_.find(indexed.post.key);
    if (it != made_.end()) {
      return it->second;
    }
    feeds::Entry entry = build(indexed, index_.translations_of(indexed, now_));
    parsed_.try_emplace(entry.post.key, entry.post.content_html, entry.html);
    return made_.emplace(indexed.post.key, std::move(entry)).first->second;
  }

  // The entries of `posts` (moved from), in their order: build() of each, their
  // translations read together.
  std::vector<feeds::Entry> build_all(std::vector<storage::IndexedPost>& posts) {
    auto translations = index_.translations_of(posts, now_);
    std::vector<feeds::Entry> entries;
    entries.reserve(posts.size());
    for (std::size_t i = 0; i < posts.size(); ++i) {
      entries.push_back(build(std::move(posts[i]), translations[i]));
    }
    return entries;
  }

  // The entry of `indexed` (moved from) with its `translations`; its body parsed unless
  // found in `previous` or (parse false) left null.
  feeds::Entry build(storage::IndexedPost indexed,
                     const std::vector<storage::IndexedPost>& translations) {
    feeds::Entry entry;
    for (const auto& translation : translations) {
      entry.translations.push_back({translation.post.lang,
                                    feeds::permalink(site_, translation.post),
                                    translation.post.title});
    }
    entry.post = std::move(indexed.post);
    entry.id = std::move(indexed.entry_id);
    entry.updated = indexed.updated;
    entry.url = feeds::permalink(site_, entry.post);
    entry.html = previous_ != nullptr ? find_body(*previous_, entry.post) : nullptr;
    if (!entry.html && parse_) {
      entry.html = parse_body(entry.post.content_html, entry.post.source_path);
    }
    return entry;
  }

  // The bodies parsed for the entries made.
  ParsedBodies take_parsed() { return std::move(parsed_); }

 private:
  storage::Index& index_;
  const feeds::SiteOptions& site_;
  std::chrono::sys_seconds now_;
  const ParsedBodies* previous_;  // may be null
  bool parse_;
  ParsedBodies parsed_;
  std::map<std::string, feeds::Entry> made_;
};

}  // namespace

std::shared_ptr<const feeds::HtmlDocument> parse_body(std::string_view content_html,
                                                      std::string_view source_path) {
  auto body = feeds::parse_content(content_html);  // once for all the feeds and pages
  if (!body->unparsed_reason().empty()) {          // said once per parse, not per use
    log::warning("feeds", std::string(source_path) + ": HTML " +
                              std::string(body->unparsed_reason()) +
                              " to parse: no summary from it, its links left as written");
  }
  return body;
}

std::vector<feeds::Tombstone> collect_tombstones(storage::Index& index, const Config& config,
                                                 const std::string& lang,
                                                 std::chrono::sys_seconds now) {
  std::vector<feeds::Tombstone> tombstones;
  if (config.feeds.tombstone_days <= 0) {
    return tombstones;
  }
  const auto since = now - std::chrono::days(config.feeds.tombstone_days);
  for (auto& gone : index.gone_posts(lang, now, since, config.feeds.entries)) {
    tombstones.push_back({std::move(gone.entry_id), gone.gone_at});
  }
  return tombstones;
}

std::vector<feeds::FeedContent> collect_feeds(storage::Index& index, const Config& config,
                                              const feeds::SiteOptions& site,
                                              std::chrono::sys_seconds now, ParsedBodies* parsed) {
  EntryMaker maker(index, site, now, parsed);
  std::vector<feeds::FeedContent> feeds;
  auto collect = [&](const std::string& lang) {
    feeds::FeedContent feed;
    feed.lang = lang;
    for (const auto& indexed : index.newest(lang, now, config.feeds.entries)) {
      feed.entries.push_back(maker.make(indexed));
    }
    feed.tombstones = collect_tombstones(index, config, lang, now);
    feeds.push_back(std::move(feed));
  };
  for (const auto& language : config.languages) {
    collect(language.code);
  }
  collect("");
  if (parsed != nullptr) {
    *parsed = maker.take_parsed();
  }
  return feeds;
}

feeds::FeedContent collect_topic_feed(storage::Index& index, const feeds::SiteOptions& site,
                                      const feeds::CatalogTopic& topic,
                                      std::chrono::sys_seconds now, const ParsedBodies* parsed,
                                      bool parse) {
  EntryMaker maker(index, site, now, parsed, parse);
  feeds::FeedContent feed{topic.lang, {}, topic.topic, topic.tombstones};
  auto posts = index.posts_by_keys(topic.keys);
  feed.entries = maker.build_all(posts);
  return feed;
}

feeds::FeedContent collect_archive_page(storage::Index& index, const feeds::SiteOptions& site,
                                        const feeds::ArchivePage& page,
                                        std::chrono::sys_seconds now, const ParsedBodies* parsed,
                                        bool parse, RecentEntries* recent) {
  EntryMaker maker(index, site, now, parsed, parse);
  feeds::FeedContent feed;
  feed.lang = page.lang;
  feed.archive_page = page.number;
  feed.archive_has_next = page.has_next;
  if (recent == nullptr) {
    auto posts = index.posts_by_keys(page.keys.strings());
    feed.entries = maker.build_all(posts);
    return feed;
  }
  std::vector<std::string> unseen;
  for (const std::string_view key : page.keys) {
    if (recent->find(key) == nullptr) {
      unseen.emplace_back(key);
    }
  }
  auto posts = index.posts_by_keys(unseen);
  auto made = maker.build_all(posts);
  for (feeds::Entry& entry : made) {  // shown again in another scope's page: render it once
    entry.atom = std::make_shared<feeds::AtomChildren>();
  }
  std::unordered_map<std::string_view, const feeds::Entry*> made_by_key;
  for (const feeds::Entry& entry : made) {
    made_by_key.emplace(entry.post.key, &entry);
  }
  feed.entries.reserve(page.keys.size());
  for (const std::string_view key : page.keys) {
    if (const auto it = made_by_key.find(key); it != made_by_key.end()) {
      feed.entries.push_back(*it->second);
    } else if (const feeds::Entry* entry = recent->find(key)) {
      feed.entries.push_back(*entry);
    }  // else deleted since the catalog listed it
  }
  for (feeds::Entry& entry : made) {  // after: the capacity may be less than a page
    const std::string key = entry.post.key;
    recent->put(key, std::move(entry));
  }
  return feed;
}

std::vector<storage::PostTopics> collect_gone_topic_posts(storage::Index& index,
                                                          const Config& config,
                                                          std::chrono::sys_seconds now) {
  if (config.feeds.tombstone_days <= 0) {
    return {};
  }
  return index.gone_topics(now, now - std::chrono::days(config.feeds.tombstone_days));
}

}  // namespace feedd::daemon
