// render_json() (declared in feeds/render.h): JSON Feed 1.1 built with Boost.JSON and
// printed with a fixed key order and two-space indentation. Translations go in the
// extension object "_feedd": {"translations": [{"language", "url", "title"}]} on an item
// (JSON Feed lets readers ignore keys that start with '_').
#include <boost/json.hpp>

#include "feeds/dates.h"
#include "feeds/feed_info.h"
#include "feeds/render.h"
#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

namespace json = boost::json;

json::string text(std::string_view value) { return json::string(clean_xml_text(value)); }

json::array authors(const std::string& name) {
  json::object author;
  author["name"] = text(name);
  return json::array{author};
}

// Boost.JSON objects keep insertion order; this prints them indented, in that order.
void print(const json::value& value, std::string& out, int depth) {
  const std::string indent(static_cast<std::size_t>(depth + 1) * 2, ' ');
  const std::string closing(static_cast<std::size_t>(depth) * 2, ' ');
  if (value.is_object()) {
    const json::object& object = value.get_object();
    if (object.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& member : object) {
      out += first ? "" : ",\n";
      first = false;
      out += indent + json::serialize(json::string(member.key())) + ": ";
      print(member.value(), out, depth + 1);
    }
    out += "\n" + closing + "}";
  } else if (value.is_array()) {
    const json::array& array = value.get_array();
    if (array.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < array.size(); ++i) {
      out += i == 0 ? "" : ",\n";
      out += indent;
      print(array[i], out, depth + 1);
    }
    out += "\n" + closing + "]";
  } else {
    out += json::serialize(value);
  }
}

json::object item(const SiteOptions& site, const Entry& entry) {
  json::object object;
  object["id"] = text(entry.id);
  object["url"] = text(entry.url);
  object["title"] = text(entry.post.title);
  const std::string summary = entry_summary(entry);
  if (site.full_content) {
    object["content_html"] = text(entry_content(entry));
  } else {
    object["content_text"] = text(summary);
  }
  object["summary"] = text(summary);
  object["date_published"] = text(format_rfc3339(entry.post.published, site.timezone));
  object["date_modified"] = text(format_rfc3339(entry_updated(entry), site.timezone));
  object["authors"] = authors(entry_author(site, entry));
  json::array tags;
  for (const std::string& term : entry_terms(entry)) {
    tags.push_back(text(term));
  }
  if (!tags.empty()) {
    object["tags"] = std::move(tags);
  }
  if (!entry.post.lang.empty()) {
    object["language"] = text(entry.post.lang);
  }
  json::array translations;
  for (const Alternate& translation : entry_translations(entry)) {
    json::object alternate;
    alternate["language"] = text(translation.lang);
    alternate["url"] = text(translation.url);
    alternate["title"] = text(translation.title);
    translations.push_back(std::move(alternate));
  }
  if (!translations.empty()) {
    json::object extension;
    extension["translations"] = std::move(translations);
    object["_feedd"] = std::move(extension);
  }
  return object;
}

}  // namespace

std::string render_json(const SiteOptions& site, const FeedContent& feed) {
  json::object root;
  root["version"] = "https://jsonfeed.org/version/1.1";
  root["title"] = text(feed_title(site, feed));
  root["home_page_url"] = text(site.base_url);
  root["feed_url"] = text(feed_url(site, feed, FeedFormat::json));
  if (const std::string description = feed_description(site, feed.lang); !description.empty()) {
    root["description"] = text(description);
  }
  if (!feed.lang.empty()) {
    root["language"] = text(feed.lang);
  }
  root["authors"] = authors(site_author(site));
  if (!site.hubs.empty()) {  // WebSub discovery
    json::array hubs;
    for (const std::string& hub : site.hubs) {
      hubs.push_back(json::object{{"type", "WebSub"}, {"url", text(hub)}});
    }
    root["hubs"] = std::move(hubs);
  }
  json::array items;
  for (const Entry& entry : feed.entries) {
    items.push_back(item(site, entry));
  }
  root["items"] = std::move(items);
  std::string out;
  print(root, out, 0);
  out += "\n";
  return out;
}

}  // namespace feedd::feeds
