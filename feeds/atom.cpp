// render_atom() (declared in feeds/render.h): Atom 1.0 (RFC 4287). Validated by
// tests/feeds/testdata/atom.rng, the RFC's appendix B schema in RELAX NG XML syntax.
#include <algorithm>
#include <cassert>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "feeds/dates.h"
#include "feeds/feed_info.h"
#include "feeds/render.h"
#include "feeds/xml_output.h"
#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

constexpr const char* kAtomNamespace = "http://www.w3.org/2005/Atom";
constexpr const char* kTombstonesNamespace = "http://purl.org/atompub/tombstones/1.0";
constexpr const char* kHistoryNamespace = "http://purl.org/syndication/history/1.0";

void append_link(pugi::xml_node parent, std::string_view rel, std::string_view type,
                 std::string_view href, std::string_view hreflang = {},
                 std::string_view title = {}) {
  pugi::xml_node link = parent.append_child("link");
  set_attribute(link, "rel", rel);
  set_attribute(link, "type", type);
  if (!hreflang.empty()) {
    set_attribute(link, "hreflang", hreflang);
  }
  set_attribute(link, "href", href);
  if (!title.empty()) {
    set_attribute(link, "title", title);
  }
}

void append_author(pugi::xml_node parent, const std::string& name) {
  append_text(parent.append_child("author"), "name", name);
}

// An entry's children, whatever feed shows it.
void append_entry_children(pugi::xml_node node, const SiteOptions& site, const Entry& entry) {
  append_text(node, "id", entry.id);
  append_text(node, "title", entry.post.title);
  append_text(node, "published", format_rfc3339(entry.post.published, site.timezone));
  append_text(node, "updated", format_rfc3339(entry_updated(entry), site.timezone));
  // Readers disagree on which alternate link is "the" link: SimplePie and Miniflux take
  // the first, feedparser the last. With translations, the entry's own page is therefore
  // both first (no hreflang) and last (its own hreflang): distinct (type, hreflang) pairs,
  // as RFC 4287 section 4.1.1 requires.
  append_link(node, "alternate", "text/html", entry.url);
  const std::vector<Alternate> translations = entry_translations(entry);
  for (const Alternate& translation : translations) {
    append_link(node, "alternate", "text/html", translation.url, translation.lang,
                translation.title);
  }
  if (!translations.empty() && !entry.post.lang.empty()) {
    append_link(node, "alternate", "text/html", entry.url, entry.post.lang, entry.post.title);
  }
  append_author(node, entry_author(site, entry));
  for (const std::string& term : entry_terms(entry)) {
    set_attribute(node.append_child("category"), "term", term);
  }
  append_text(node, "summary", entry_summary(entry));
  if (site.full_content) {
    pugi::xml_node content = append_text(node, "content", entry_content(entry));
    set_attribute(content, "type", "html");
    set_attribute(content, "xml:base", entry.url);
  }
}

// What an entry whose children are rendered once (Entry::atom) holds until the feed is
// saved: a comment, the one markup no text or attribute value can produce (their '<' is
// escaped), on a line of its own at the depth of an entry's children.
constexpr const char* kSpliceMark = "feedd-entry";
constexpr std::string_view kSpliceLine = "    <!--feedd-entry-->\n";

// `splice`: a mark for the children of an entry that has Entry::atom (splice_entries()).
void append_entry(pugi::xml_node feed_node, const SiteOptions& site, const FeedContent& feed,
                  const Entry& entry, bool splice) {
  pugi::xml_node node = feed_node.append_child("entry");
  if (feed.lang.empty() && !entry.post.lang.empty()) {
    set_attribute(node, "xml:lang", entry.post.lang);
  }
  if (splice && entry.atom) {
    node.append_child(pugi::node_comment).set_value(kSpliceMark);
  } else {
    append_entry_children(node, site, entry);
  }
}

// `entry`'s children as saved at their depth, rendered by the first feed that needs them.
// (A render that throws, e.g. bad_alloc, leaves `ready` unset: the next caller tries again.)
const std::string& rendered_children(const SiteOptions& site, const Entry& entry) {
  AtomChildren& children = *entry.atom;
  if (!children.ready.load(std::memory_order_acquire)) {
    const std::lock_guard lock(children.rendering);
    if (!children.ready.load(std::memory_order_relaxed)) {
      pugi::xml_document doc;
      const pugi::xml_node node = doc.append_child("entry");
      append_entry_children(node, site, entry);
      children.text = save_children(node, 2);
      children.ready.store(true, std::memory_order_release);
    }
  }
  return children.text;
}

// `saved`, the feed saved with a splice mark in each entry that has Entry::atom, with each
// mark's line replaced by that entry's children: byte for byte the feed rendered whole.
// nullopt if the marks are not where they must be (never, unless this file has a bug).
std::optional<std::string> splice_entries(const std::string& saved, const SiteOptions& site,
                                          const FeedContent& feed) {
  std::vector<const std::string*> children;
  std::size_t size = saved.size();
  for (const Entry& entry : feed.entries) {
    if (entry.atom) {
      children.push_back(&rendered_children(site, entry));
      size += children.back()->size();
    }
  }
  // The marks are in the root element, after the prolog's processing instructions (whose
  // text is not escaped, but cannot hold "?>": see begin_document()).
  const std::size_t prolog = saved.find("<?xml-stylesheet");
  std::size_t from = prolog == std::string::npos ? prolog : saved.find("?>", prolog);
  if (from == std::string::npos) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(size);
  out.append(saved, 0, from);
  for (const std::string* text : children) {
    const std::size_t mark = saved.find(kSpliceLine, from);
    if (mark == std::string::npos) {
      return std::nullopt;
    }
    out.append(saved, from, mark - from);
    out += *text;
    from = mark + kSpliceLine.size();
  }
  out.append(saved, from);
  return out;
}

// RFC 5005: fh:complete on a subscription feed that holds every post, else prev-archive to
// its newest archive page; on an archive page, fh:archive and its links.
void append_history(pugi::xml_node root, const SiteOptions& site, const FeedContent& feed) {
  constexpr std::string_view kType = "application/atom+xml";
  if (feed.archive_page) {
    const std::size_t page = *feed.archive_page;
    append_link(root, "current", kType, feed_url(site, feed.lang, FeedFormat::atom));
    if (page > 1) {
      append_link(root, "prev-archive", kType,
                  clean_xml_text(site.feeds_url + archive_path(feed.lang, page - 1)));
    }
    if (feed.archive_has_next) {
      append_link(root, "next-archive", kType,
                  clean_xml_text(site.feeds_url + archive_path(feed.lang, page + 1)));
    }
    root.append_child("fh:archive");
  } else if (feed.archive_newest && *feed.archive_newest > 0) {
    append_link(root, "prev-archive", kType,
                clean_xml_text(site.feeds_url + archive_path(feed.lang, *feed.archive_newest)));
  } else if (feed.archive_newest) {
    root.append_child("fh:complete");
  }
}

// The feed's document in `doc`; `splice`: see append_entry().
void build_feed(pugi::xml_document& doc, const SiteOptions& site, const FeedContent& feed,
                bool splice) {
  pugi::xml_node root = begin_document(doc, site, "feed");
  set_attribute(root, "xmlns", kAtomNamespace);
  if (!feed.tombstones.empty()) {
    set_attribute(root, "xmlns:at", kTombstonesNamespace);
  }
  if (feed.archive_newest || feed.archive_page) {
    set_attribute(root, "xmlns:fh", kHistoryNamespace);
  }
  if (!feed.lang.empty()) {
    set_attribute(root, "xml:lang", feed.lang);
  }
  // An archive page has its subscription feed's id: they are one logical feed (RFC 5005).
  const std::string id_path = feed.archive_page ? feed_path(feed.lang, FeedFormat::atom)
                                                : feed_path(feed, FeedFormat::atom);
  append_text(root, "id", feed_tag_id(site, id_path));
  append_text(root, "title", feed_title(site, feed));
  if (const std::string subtitle = feed_description(site, feed.lang); !subtitle.empty()) {
    append_text(root, "subtitle", subtitle);
  }
  append_text(root, "updated", format_rfc3339(newest_updated(feed), site.timezone));
  append_link(root, "self", "application/atom+xml", feed_url(site, feed, FeedFormat::atom));
  if (!feed.archive_page) {  // WebSub discovery; an archive page is no topic (websub_link.h)
    for (const std::string& hub : site.hubs) {
      pugi::xml_node link = root.append_child("link");
      set_attribute(link, "rel", "hub");
      set_attribute(link, "href", hub);
    }
  }
  append_link(root, "alternate", "text/html", site.base_url);
  for (const LanguageInfo& other : alternate_languages(site, feed)) {
    append_link(root, "alternate", "application/atom+xml",
                feed_url(site, other.code, FeedFormat::atom), other.code, other.title);
  }
  append_history(root, site, feed);
  append_author(root, site_author(site));
  append_text(root, "generator", kGenerator);
  for (const Entry& entry : feed.entries) {
    append_entry(root, site, feed, entry, splice);
  }
  for (const Tombstone& tombstone : feed.tombstones) {  // RFC 6721 §2
    pugi::xml_node deleted = root.append_child("at:deleted-entry");
    set_attribute(deleted, "ref", tombstone.id);
    set_attribute(deleted, "when", format_rfc3339(tombstone.when, site.timezone));
  }
}

}  // namespace

std::string render_atom(const SiteOptions& site, const FeedContent& feed) {
  const bool splice =
      std::any_of(feed.entries.begin(), feed.entries.end(), [](const Entry& e) { return e.atom; });
  pugi::xml_document doc;
  build_feed(doc, site, feed, splice);
  if (!splice) {
    return save_document(doc);
  }
  if (auto spliced = splice_entries(save_document(doc), site, feed)) {
    return std::move(*spliced);
  }
  assert(false && "a splice mark is missing");
  pugi::xml_document whole;  // the feed whole rather than one with holes
  build_feed(whole, site, feed, false);
  return save_document(whole);
}

}  // namespace feedd::feeds
