#include "feeds/feed_info.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "feeds/absolute_links.h"
#include "feeds/html_document.h"
#include "feeds/summary.h"
#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

std::string join_languages(const SiteOptions& site, std::string_view lang,
                           std::string LanguageInfo::*field) {
  std::string out;
  for (const LanguageInfo& info : site.languages) {
    if (!lang.empty() && info.code != lang) {
      continue;
    }
    if ((info.*field).empty() || out == info.*field) {
      continue;
    }
    if (!out.empty()) {
      out += " / ";
    }
    out += info.*field;
  }
  return clean_xml_text(out);
}

}  // namespace

std::string feed_path(std::string_view lang, FeedFormat format) {
  std::string path = lang.empty() ? std::string() : std::string(lang) + "/";
  switch (format) {
    case FeedFormat::atom:
      return path + "atom.xml";
    case FeedFormat::rss:
      return path + "rss.xml";
    case FeedFormat::json:
      return path + "feed.json";
  }
  return path;
}

std::string feed_url(const SiteOptions& site, std::string_view lang, FeedFormat format) {
  return clean_xml_text(site.feeds_url + feed_path(lang, format));
}

std::string archive_path(std::string_view lang, std::size_t page) {
  std::string path = lang.empty() ? std::string() : std::string(lang) + "/";
  return path + "archive/" + std::to_string(page) + ".xml";
}

std::string feed_path(const FeedContent& feed, FeedFormat format) {
  if (feed.archive_page && format == FeedFormat::atom) {
    return archive_path(feed.lang, *feed.archive_page);
  }
  if (!feed.topic) {
    return feed_path(feed.lang, format);
  }
  return topic_dir(feed.lang, *feed.topic) + feed_path("", format);
}

std::string feed_url(const SiteOptions& site, const FeedContent& feed, FeedFormat format) {
  return clean_xml_text(site.feeds_url + feed_path(feed, format));
}

std::string feed_tag_id(const SiteOptions& site, std::string_view path) {
  // Named after the blog (base_url's host), not after where feedd happens to be reachable
  // (feeds_url), so moving the feeds behind another host or path does not give readers a
  // "new" feed; and a host, not an IP literal, is what RFC 4151 names.
  std::string host = "localhost";
  if (const auto url = boost::urls::parse_uri(site.base_url); url && url->has_authority()) {
    host = url->encoded_host();
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return clean_xml_text("tag:" + host + ",2005:feeds/" + std::string(path));
}

std::string feed_title(const SiteOptions& site, std::string_view lang) {
  std::string title = join_languages(site, lang, &LanguageInfo::title);
  return title.empty() ? std::string(lang.empty() ? "feedd" : lang) : title;
}

std::string feed_description(const SiteOptions& site, std::string_view lang) {
  return join_languages(site, lang, &LanguageInfo::description);
}

std::string feed_title(const SiteOptions& site, const FeedContent& feed) {
  std::string title = feed_title(site, feed.lang);
  if (feed.topic) {
    title += ": " + clean_xml_text(feed.topic->name);
  }
  return title;
}

std::vector<LanguageInfo> alternate_languages(const SiteOptions& site, const FeedContent& feed) {
  return feed.topic ? std::vector<LanguageInfo>{} : other_languages(site, feed.lang);
}

std::vector<LanguageInfo> other_languages(const SiteOptions& site, std::string_view lang) {
  std::vector<LanguageInfo> others;
  for (const LanguageInfo& info : site.languages) {
    if (info.code != lang) {
      others.push_back(LanguageInfo{clean_xml_text(info.code), clean_xml_text(info.title),
                                    clean_xml_text(info.description)});
    }
  }
  return others;
}

std::chrono::sys_seconds entry_updated(const Entry& entry) {
  if (entry.updated != std::chrono::sys_seconds{}) {
    return entry.updated;
  }
  return entry.post.updated.value_or(entry.post.published);
}

std::chrono::sys_seconds newest_updated(const FeedContent& feed) {
  std::chrono::sys_seconds newest{};
  for (const Entry& entry : feed.entries) {
    newest = std::max(newest, entry_updated(entry));
  }
  return newest;
}

std::string site_author(const SiteOptions& site) {
  std::string author = clean_xml_text(site.author);
  return author.empty() ? feed_title(site, "") : author;
}

std::string entry_author(const SiteOptions& site, const Entry& entry) {
  std::string author = clean_xml_text(entry.post.author);
  return author.empty() ? site_author(site) : author;
}

std::vector<std::string> entry_terms(const Entry& entry) {
  std::vector<std::string> terms;
  auto add = [&terms](const std::string& term) {
    std::string clean = clean_xml_text(term);
    if (!clean.empty() && std::find(terms.begin(), terms.end(), clean) == terms.end()) {
      terms.push_back(std::move(clean));
    }
  };
  std::for_each(entry.post.tags.begin(), entry.post.tags.end(), add);
  std::for_each(entry.post.categories.begin(), entry.post.categories.end(), add);
  return terms;
}

std::vector<Alternate> entry_translations(const Entry& entry) {
  std::vector<Alternate> result;
  for (const Alternate& alternate : entry.translations) {
    const bool seen = std::any_of(result.begin(), result.end(),
                                  [&](const Alternate& a) { return a.lang == alternate.lang; });
    if (seen || alternate.lang == entry.post.lang || alternate.url.empty()) {
      continue;
    }
    result.push_back(Alternate{clean_xml_text(alternate.lang), clean_xml_text(alternate.url),
                               clean_xml_text(alternate.title)});
  }
  return result;
}

std::shared_ptr<const HtmlDocument> entry_html(const Entry& entry) {
  return entry.html ? entry.html : parse_content(entry.post);
}

std::string entry_content(const Entry& entry) {
  return absolutize_links(*entry_html(entry), entry.url);
}

std::string entry_summary(const Entry& entry) {
  if (!entry.post.summary.empty()) {
    return make_summary(entry.post, HtmlDocument(std::string()));
  }
  return make_summary(entry.post, *entry_html(entry));
}

}  // namespace feedd::feeds
