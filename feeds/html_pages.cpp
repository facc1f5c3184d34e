#include "feeds/html_pages.h"

#include <algorithm>

#include "common/text.h"
#include "common/topic_segment.h"
#include "feeds/dates.h"
#include "feeds/feed_info.h"
#include "feeds/snapshot.h"
#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

constexpr std::string_view kHtmlType = "text/html; charset=utf-8";

std::string escape_html(std::string_view text) {
  return common::text::html_escape(text, common::text::HtmlEscape::all);
}

struct FormatInfo {
  FeedFormat format;
  std::string_view mime;
  std::string_view label;
};
constexpr FormatInfo kFormats[] = {
    {FeedFormat::atom, "application/atom+xml", "Atom"},
    {FeedFormat::rss, "application/rss+xml", "RSS"},
    {FeedFormat::json, "application/feed+json", "JSON Feed"},
};

constexpr std::string_view kPageStyle =
    "body{max-width:46rem;margin:2rem auto;padding:0 1rem;font:16px/1.6 system-ui,sans-serif;"
    "color:#222;background:#fff}h1{margin-bottom:.2em}.description{color:#555}"
    ".subscribe{padding:.6em 1em;background:#f4f7fb;border:1px solid #d5dfeb;border-radius:6px}"
    "ol.entries{list-style:none;padding:0}ol.entries li{border-top:1px solid #ddd;padding:1em 0}"
    "h2{font-size:1.25em;margin:0}.meta{color:#666;font-size:.9em;margin:.2em 0}"
    "a{color:#0645ad}";

std::string_view language_title(const SiteOptions& site, std::string_view lang) {
  for (const LanguageInfo& info : site.languages) {
    if (info.code == lang) {
      return info.title;
    }
  }
  return lang;
}

// `prefix` is how the page reaches the feeds' directory ("" from "/", "../" from "/L/").
void append_autodiscovery(std::string& out, const SiteOptions& site, std::string_view lang,
                          std::string_view prefix) {
  const std::string title = escape_html(feed_title(site, lang));
  for (const FormatInfo& format : kFormats) {
    out += "<link rel=\"alternate\" type=\"";
    out += format.mime;
    out += "\" href=\"";
    out += escape_html(std::string(prefix) + feed_path(lang, format.format));
    out += "\" title=\"" + title + " (";
    out += format.label;
    out += ")\"";
    if (!lang.empty()) {
      out += " hreflang=\"" + escape_html(lang) + "\"";
    }
    out += ">\n";
  }
}

// A link to each format of the feeds in directory `dir` (relative, "" or ending in '/').
void append_format_links(std::string& out, std::string_view dir) {
  for (const FormatInfo& format : kFormats) {
    out +=
        " <a href=\"" + escape_html(std::string(dir) + feed_path("", format.format)) + "\" type=\"";
    out += format.mime;
    out += "\">";
    out += format.label;
    out += "</a>";
  }
}

void append_subscribe(std::string& out, std::string_view lang, std::string_view prefix) {
  out += "<p class=\"subscribe\">Subscribe:";
  append_format_links(out, std::string(prefix) + (lang.empty() ? "" : std::string(lang) + "/"));
  out += "</p>\n";
}

// The entry's tags, each a link to its tag feed in the page's language ("tags/SEG/").
void append_entry_tags(std::string& out, const Entry& entry) {
  std::vector<std::string> segments;
  std::string links;
  for (const std::string& tag : entry.post.tags) {
    std::string segment = common::topic_segment(tag);
    if (segment.empty() || segment == "." || segment == ".." ||
        std::find(segments.begin(), segments.end(), segment) != segments.end()) {
      continue;
    }
    const FeedTopic topic{TopicKind::tag, tag, segment};
    links += links.empty() ? " " : " · ";
    links += "<a href=\"" + escape_html(topic_dir("", topic) + feed_path("", FeedFormat::atom)) +
             "\" type=\"application/atom+xml\">" + escape_html(clean_xml_text(tag)) + "</a>";
    segments.push_back(std::move(segment));
  }
  if (!links.empty()) {
    out += "<p class=\"tags\">Tags:" + links + "</p>\n";
  }
}

std::string head(std::string_view lang, std::string_view title) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + escape_html(lang) +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>" +
                    escape_html(title) + "</title>\n<style>";
  out += kPageStyle;
  out += "</style>\n";
  return out;
}

std::string index_page(const SiteOptions& site, const std::vector<FeedContent>& feeds) {
  const std::string first_lang = site.languages.empty() ? std::string() : site.languages[0].code;
  std::string out = head(first_lang, feed_title(site, ""));
  append_autodiscovery(out, site, "", "");
  for (const LanguageInfo& language : site.languages) {
    append_autodiscovery(out, site, language.code, "");
  }
  out += "</head>\n<body>\n<h1>" + escape_html(feed_title(site, "")) + "</h1>\n";
  out += "<p class=\"description\">" + escape_html(feed_description(site, "")) + "</p>\n<ul>\n";
  for (const LanguageInfo& language : site.languages) {
    const bool has_page = std::any_of(
        feeds.begin(), feeds.end(), [&](const FeedContent& f) { return f.lang == language.code; });
    out += "<li lang=\"" + escape_html(language.code) + "\">";
    if (has_page) {
      out +=
          "<a href=\"" + escape_html(language.code) + "/\">" + escape_html(language.title) + "</a>";
    } else {
      out += escape_html(language.title);
    }
    out += " (" + escape_html(language.code) + ") · <a href=\"" + escape_html(language.code) +
           "/tags/\">Tags</a>\n";
    append_subscribe(out, language.code, "");
    out += "</li>\n";
  }
  out += "<li>All languages · <a href=\"tags/\">Tags</a>\n";
  append_subscribe(out, "", "");
  out +=
      "</li>\n</ul>\n<p><a href=\"feeds.opml\" type=\"text/x-opml\">All feeds as OPML</a></p>\n"
      "</body>\n</html>\n";
  return out;
}

std::string language_page(const SiteOptions& site, const FeedContent& feed) {
  std::string out = head(feed.lang, feed_title(site, feed.lang));
  append_autodiscovery(out, site, feed.lang, "../");
  out += "</head>\n<body>\n<h1>" + escape_html(feed_title(site, feed.lang)) + "</h1>\n";
  out += "<p class=\"description\">" + escape_html(feed_description(site, feed.lang)) + "</p>\n";
  append_subscribe(out, feed.lang, "../");
  out +=
      "<p><a href=\"../\">All feeds</a> · <a href=\"tags/\">Tags</a></p>\n"
      "<ol class=\"entries\">\n";
  for (const Entry& entry : feed.entries) {
    out += "<li><article>\n<h2><a href=\"" + escape_html(entry.url) + "\">" +
           escape_html(clean_xml_text(entry.post.title)) + "</a></h2>\n";
    out += "<p class=\"meta\"><time datetime=\"" +
           escape_html(format_rfc3339(entry.post.published, site.timezone)) + "\">" +
           escape_html(entry.post.local_date) + "</time>";
    for (const Alternate& translation : entry_translations(entry)) {
      out += " · <a href=\"" + escape_html(translation.url) + "\" hreflang=\"" +
             escape_html(translation.lang) + "\" lang=\"" + escape_html(translation.lang) + "\">" +
             escape_html(language_title(site, translation.lang)) + "</a>";
    }
    out += "</p>\n";
    append_entry_tags(out, entry);
    out += "<p>" + escape_html(entry_summary(entry)) + "</p>\n</article></li>\n";
  }
  out += "</ol>\n</body>\n</html>\n";
  return out;
}

// The topics of one kind among `topics`, as linked from the scope's "tags/" page.
void append_topic_list(std::string& out, const std::vector<const CatalogTopic*>& topics,
                       TopicKind kind, std::string_view heading) {
  out += "<h2>" + std::string(heading) + "</h2>\n<ul class=\"topics\">\n";
  for (const CatalogTopic* topic : topics) {
    if (topic->topic.kind != kind) {
      continue;
    }
    // From "L/tags/": "SEG/" for a tag, "../categories/SEG/" for a category.
    const std::string dir_of_kind = kind == TopicKind::tag ? std::string() : "../categories/";
    const std::string link = dir_of_kind + common::topic_segment_url(topic->topic.segment) + "/";
    out += "<li><a href=\"" + escape_html(link + feed_path("", FeedFormat::atom)) + "\">" +
           escape_html(clean_xml_text(topic->topic.name)) + "</a> (" +
           std::to_string(topic->posts) + (topic->posts == 1 ? " post" : " posts") + ") ·";
    append_format_links(out, link);
    out += "</li>\n";
  }
  out += "</ul>\n";
}

RenderedFeed topic_page(const SiteOptions& site, const TopicCatalog& catalog,
                        const std::string& lang) {
  std::vector<const CatalogTopic*> topics;
  for (const auto& topic : catalog.topics()) {
    if (topic->lang == lang) {
      topics.push_back(topic.get());
    }
  }
  const std::string title = feed_title(site, lang) + ": tags";
  std::string out = head(lang, title);
  out += "</head>\n<body>\n<h1>" + escape_html(title) + "</h1>\n";
  out += "<p><a href=\"../\">" + escape_html(feed_title(site, lang)) + "</a></p>\n";
  append_topic_list(out, topics, TopicKind::tag, "Tags");
  append_topic_list(out, topics, TopicKind::category, "Categories");
  out += "</body>\n</html>\n";
  return RenderedFeed{(lang.empty() ? "" : lang + "/") + "tags/", std::string(kHtmlType),
                      std::move(out), kUndated};
}

}  // namespace

std::vector<RenderedFeed> render_topic_pages(const SiteOptions& site, const TopicCatalog& catalog) {
  std::vector<RenderedFeed> pages;
  pages.push_back(topic_page(site, catalog, ""));
  for (const LanguageInfo& language : site.languages) {
    pages.push_back(topic_page(site, catalog, language.code));
  }
  return pages;
}

std::vector<RenderedFeed> render_pages(const SiteOptions& site,
                                       const std::vector<FeedContent>& feeds) {
  std::vector<RenderedFeed> pages;
  pages.push_back(RenderedFeed{"", std::string(kHtmlType), index_page(site, feeds), kUndated});
  for (const FeedContent& feed : feeds) {
    if (!feed.lang.empty()) {
      pages.push_back(RenderedFeed{feed.lang + "/", std::string(kHtmlType),
                                   language_page(site, feed), newest_updated(feed)});
    }
  }
  return pages;
}

}  // namespace feedd::feeds
