#include "feeds/feed_delta.h"

#include <pugixml.hpp>
#include <vector>

#include "feeds/xml_output.h"

namespace feedd::feeds {
namespace {

// The renderers' output read back as it was built: declaration and stylesheet PI kept,
// indentation dropped (save_document writes it again), a lone space kept, no end-of-line
// translation (the bytes hold none to translate).
constexpr unsigned kParseFlags = (pugi::parse_default | pugi::parse_declaration | pugi::parse_pi |
                                  pugi::parse_ws_pcdata_single) &
                                 ~pugi::parse_eol;

// Removes the children of `parent` named `name` whose key (`key_of`) is not in `keep`.
template <class KeyOf>
void keep_only(pugi::xml_node parent, const char* name, const std::unordered_set<std::string>& keep,
               KeyOf key_of) {
  std::vector<pugi::xml_node> drop;
  for (pugi::xml_node child : parent.children(name)) {
    if (!keep.contains(key_of(child))) {
      drop.push_back(child);
    }
  }
  for (pugi::xml_node child : drop) {
    parent.remove_child(child);
  }
}

}  // namespace

std::string render_delta(std::string_view document, const DeltaSelection& keep) {
  pugi::xml_document doc;
  if (!doc.load_buffer(document.data(), document.size(), kParseFlags, pugi::encoding_utf8)) {
    return {};
  }
  const pugi::xml_node root = doc.document_element();
  const auto text_of = [](const char* child) {
    return [child](pugi::xml_node node) { return std::string(node.child_value(child)); };
  };
  if (std::string_view(root.name()) == "feed") {
    keep_only(root, "entry", keep.entries, text_of("id"));
    keep_only(root, "at:deleted-entry", keep.tombstones,
              [](pugi::xml_node node) { return std::string(node.attribute("ref").value()); });
  } else if (std::string_view(root.name()) == "rss" && root.child("channel")) {
    keep_only(root.child("channel"), "item", keep.entries, text_of("guid"));
  } else {
    return {};
  }
  return save_document(doc);
}

}  // namespace feedd::feeds
