#include "feeds/opml.h"

#include <algorithm>

#include "feeds/feed_info.h"
#include "feeds/snapshot.h"
#include "feeds/xml_output.h"

namespace feedd::feeds {
namespace {

// <outline type="rss" text=… title=… xmlUrl=… htmlUrl=…/>: OPML 2.0's subscription list
// form (type "rss" for every feed format, as the specification says).
void append_feed(pugi::xml_node parent, std::string_view title, std::string_view xml_url,
                 std::string_view html_url) {
  pugi::xml_node outline = parent.append_child("outline");
  set_attribute(outline, "type", "rss");
  set_attribute(outline, "text", title);
  set_attribute(outline, "title", title);
  set_attribute(outline, "xmlUrl", xml_url);
  set_attribute(outline, "htmlUrl", html_url);
}

}  // namespace

RenderedFeed render_opml(const SiteOptions& site, const TopicCatalog& catalog) {
  pugi::xml_document doc;
  pugi::xml_node declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "utf-8";
  pugi::xml_node opml = doc.append_child("opml");
  set_attribute(opml, "version", "2.0");
  append_text(append_text(opml, "head", ""), "title", feed_title(site, ""));
  pugi::xml_node body = opml.append_child("body");
  for (const LanguageInfo& language : site.languages) {
    append_feed(body, feed_title(site, language.code),
                feed_url(site, language.code, FeedFormat::atom), site.base_url);
  }
  append_feed(body, feed_title(site, ""), feed_url(site, "", FeedFormat::atom), site.base_url);
  for (const LanguageInfo& language : site.languages) {
    pugi::xml_node group;
    for (const auto& shared : catalog.topics()) {
      const CatalogTopic& topic = *shared;
      if (topic.lang != language.code || topic.topic.kind != TopicKind::tag) {
        continue;
      }
      if (!group) {
        group = body.append_child("outline");
        set_attribute(group, "text", feed_title(site, language.code) + ": tags");
      }
      FeedContent feed{topic.lang, {}, topic.topic};
      append_feed(group, feed_title(site, feed), feed_url(site, feed, FeedFormat::atom),
                  site.base_url);
    }
  }
  return RenderedFeed{"feeds.opml", "text/x-opml; charset=utf-8", save_document(doc), kUndated};
}

}  // namespace feedd::feeds
