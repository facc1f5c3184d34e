// Facts every renderer derives the same way from the site and one feed: paths, ids, titles,
// dates, authors, terms and the prepared content of an entry. Keeping them here makes the
// Atom, RSS and JSON feeds agree. Pure functions; thread-safe; never throw.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/entry.h"
#include "feeds/site_options.h"

namespace feedd::feeds {

enum class FeedFormat { atom, rss, json };

inline constexpr std::string_view kGenerator = "feedd";

// "atom.xml", "rss.xml", "feed.json", prefixed with "L/" for a language feed.
std::string feed_path(std::string_view lang, FeedFormat format);
std::string feed_url(const SiteOptions& site, std::string_view lang, FeedFormat format);
// The same for `feed`, a topic feed included: "ja/tags/%E8%8C%B6%E9%81%93/atom.xml".
std::string feed_path(const FeedContent& feed, FeedFormat format);
std::string feed_url(const SiteOptions& site, const FeedContent& feed, FeedFormat format);

// "L/archive/N.xml" ("archive/N.xml" for all languages): RFC 5005 archive page N.
std::string archive_path(std::string_view lang, std::size_t page);

// Whether `path` names a feed document (Atom and RSS end in .xml, JSON Feed in .json; the
// OPML listing and the HTML pages are not feeds), and the content type a browser gets for it
// ("" for anything else): generic XML or JSON, which browsers display (with feed.css) instead
// of offering a download. The one place the router, the snapshot and the status line ask.
constexpr bool is_feed_path(std::string_view path) {
  return path.ends_with(".xml") || path.ends_with(".json");
}
constexpr std::string_view browser_content_type(std::string_view path) {
  if (path.ends_with(".xml")) {
    return "application/xml; charset=utf-8";
  }
  return path.ends_with(".json") ? "application/json" : "";
}

// The Atom feed id: "tag:HOST,2005:feeds/PATH" where HOST is base_url's host (the blog's
// name, whatever host serves the feeds) and PATH is feed_path(), e.g.
// "tag:blog.example.org,2005:feeds/ja/atom.xml". The date is fixed (the year of RFC 4287)
// so the id never changes; no clock is read.
std::string feed_tag_id(const SiteOptions& site, std::string_view path);

// Title and description of a language's feed; for the all-languages feed (lang ""), every
// language's value joined with " / " in configuration order.
std::string feed_title(const SiteOptions& site, std::string_view lang);
std::string feed_description(const SiteOptions& site, std::string_view lang);
// feed_title(site, feed.lang), followed by ": <topic name>" for a topic feed.
std::string feed_title(const SiteOptions& site, const FeedContent& feed);

// The configured languages other than `lang` (all of them for the all-languages feed).
std::vector<LanguageInfo> other_languages(const SiteOptions& site, std::string_view lang);
// The feeds `feed` links as its other languages: other_languages() for a language feed;
// none for a topic feed (another language may not have the topic).
std::vector<LanguageInfo> alternate_languages(const SiteOptions& site, const FeedContent& feed);

// entry.updated, or post.updated / post.published when the index gave none.
std::chrono::sys_seconds entry_updated(const Entry& entry);
// The newest entry_updated() of the feed; the Unix epoch for a feed with no entries.
std::chrono::sys_seconds newest_updated(const FeedContent& feed);

// site.author, else the all-languages feed title (Atom needs a name).
std::string site_author(const SiteOptions& site);
// post.author, else site_author().
std::string entry_author(const SiteOptions& site, const Entry& entry);
// Tags then categories, duplicates and empty terms dropped, cleaned.
std::vector<std::string> entry_terms(const Entry& entry);
// Translations with distinct languages (first wins), none in the entry's own language.
std::vector<Alternate> entry_translations(const Entry& entry);
// entry.html, else post.content_html parsed now.
std::shared_ptr<const HtmlDocument> entry_html(const Entry& entry);
// Full HTML content, cleaned of forbidden characters, links absolute against entry.url.
std::string entry_content(const Entry& entry);
// make_summary() of the post, from entry_html().
std::string entry_summary(const Entry& entry);

}  // namespace feedd::feeds
