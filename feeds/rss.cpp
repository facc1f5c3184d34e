// render_rss() (declared in feeds/render.h): RSS 2.0 with the atom, content and dc
// namespaces. Item descriptions hold the plain-text summary, HTML-escaped, because RSS
// readers treat description as HTML.
#include <algorithm>

#include "common/text.h"
#include "feeds/dates.h"
#include "feeds/feed_info.h"
#include "feeds/render.h"
#include "feeds/xml_output.h"

namespace feedd::feeds {
namespace {

void append_atom_link(pugi::xml_node parent, std::string_view rel, std::string_view href,
                      std::string_view hreflang = {}, std::string_view title = {}) {
  pugi::xml_node link = parent.append_child("atom:link");
  set_attribute(link, "rel", rel);
  set_attribute(link, "type", "application/rss+xml");
  if (!hreflang.empty()) {
    set_attribute(link, "hreflang", hreflang);
  }
  set_attribute(link, "href", href);
  if (!title.empty()) {
    set_attribute(link, "title", title);
  }
}

void append_item(pugi::xml_node channel, const SiteOptions& site, const FeedContent& feed,
                 const Entry& entry) {
  pugi::xml_node item = channel.append_child("item");
  append_text(item, "title", entry.post.title);
  append_text(item, "link", entry.url);
  set_attribute(append_text(item, "guid", entry.id), "isPermaLink", "false");
  append_text(item, "pubDate", format_rfc822(entry.post.published, site.timezone));
  append_text(item, "description",
              common::text::html_escape(entry_summary(entry), common::text::HtmlEscape::text));
  if (site.full_content) {
    append_text(item, "content:encoded", entry_content(entry));
  }
  append_text(item, "dc:creator", entry_author(site, entry));
  if (feed.lang.empty() && !entry.post.lang.empty()) {
    append_text(item, "dc:language", entry.post.lang);
  }
  for (const std::string& term : entry_terms(entry)) {
    append_text(item, "category", term);
  }
}

}  // namespace

std::string render_rss(const SiteOptions& site, const FeedContent& feed) {
  pugi::xml_document doc;
  pugi::xml_node rss = begin_document(doc, site, "rss");
  set_attribute(rss, "version", "2.0");
  set_attribute(rss, "xmlns:atom", "http://www.w3.org/2005/Atom");
  set_attribute(rss, "xmlns:content", "http://purl.org/rss/1.0/modules/content/");
  set_attribute(rss, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
  pugi::xml_node channel = rss.append_child("channel");
  append_text(channel, "title", feed_title(site, feed));
  append_text(channel, "link", site.base_url);
  append_text(channel, "description", feed_description(site, feed.lang));
  if (!feed.lang.empty()) {
    append_text(channel, "language", feed.lang);
  }
  append_text(channel, "lastBuildDate", format_rfc822(newest_updated(feed), site.timezone));
  append_text(channel, "ttl", std::to_string(std::max(1, site.max_age_s / 60)));
  append_text(channel, "generator", kGenerator);
  append_atom_link(channel, "self", feed_url(site, feed, FeedFormat::rss));
  for (const std::string& hub : site.hubs) {  // WebSub discovery
    pugi::xml_node link = channel.append_child("atom:link");
    set_attribute(link, "rel", "hub");
    set_attribute(link, "href", hub);
  }
  for (const LanguageInfo& other : alternate_languages(site, feed)) {
    append_atom_link(channel, "alternate", feed_url(site, other.code, FeedFormat::rss), other.code,
                     other.title);
  }
  for (const Entry& entry : feed.entries) {
    append_item(channel, site, feed, entry);
  }
  return save_document(doc);
}

}  // namespace feedd::feeds
