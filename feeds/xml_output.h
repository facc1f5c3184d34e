// Writing feed XML with pugixml: every document starts with the same declaration and
// xml-stylesheet processing instruction and is saved with the same fixed flags, so equal
// DOMs give equal bytes. Text and attribute values are cleaned (feeds/xml_text.h) on the
// way in. Pure; thread-safe per document; never throw.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "feeds/site_options.h"

namespace feedd::feeds {

// Appends `<?xml version="1.0" encoding="utf-8"?>` and
// `<?xml-stylesheet type="text/css" href="FEEDS_URL/feed.css"?>` (so a browser shows a
// styled page; the stylesheet is served beside the feeds), then the root element.
pugi::xml_node begin_document(pugi::xml_document& doc, const SiteOptions& site,
                              const char* root_name);

// Appends <name>text</name> (an empty element when `text` is empty).
pugi::xml_node append_text(pugi::xml_node parent, const char* name, std::string_view text);
void set_attribute(pugi::xml_node node, const char* name, std::string_view value);

// The document as UTF-8, indented with two spaces, ending in a newline.
std::string save_document(const pugi::xml_document& doc);
// `node`'s children as save_document() writes them when `node` is at `depth` - 1 (the root
// element at 0): the same bytes, to be spliced into a saved document.
std::string save_children(pugi::xml_node node, unsigned depth);

}  // namespace feedd::feeds
