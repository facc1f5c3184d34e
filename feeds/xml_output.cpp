#include "feeds/xml_output.h"

#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

class StringWriter : public pugi::xml_writer {
 public:
  explicit StringWriter(std::string& out) : out_(out) {}
  void write(const void* data, std::size_t size) override {
    out_.append(static_cast<const char*>(data), size);
  }

 private:
  std::string& out_;
};

// One indent and one set of flags for whole documents and spliced children alike.
constexpr const char* kIndent = "  ";
constexpr unsigned kFormat = pugi::format_indent;

}  // namespace

pugi::xml_node begin_document(pugi::xml_document& doc, const SiteOptions& site,
                              const char* root_name) {
  pugi::xml_node declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version").set_value("1.0");
  declaration.append_attribute("encoding").set_value("utf-8");
  // A processing instruction ends at "?>" and the pseudo-attribute at '"': encode both.
  std::string href = clean_xml_text(site.feeds_url + "feed.css");
  std::string safe_href;
  for (char c : href) {
    if (c == '"') {
      safe_href += "%22";
    } else if (c == '>') {
      safe_href += "%3E";
    } else {
      safe_href.push_back(c);
    }
  }
  pugi::xml_node stylesheet = doc.append_child(pugi::node_pi);
  stylesheet.set_name("xml-stylesheet");
  stylesheet.set_value(("type=\"text/css\" href=\"" + safe_href + "\"").c_str());
  return doc.append_child(root_name);
}

pugi::xml_node append_text(pugi::xml_node parent, const char* name, std::string_view text) {
  pugi::xml_node node = parent.append_child(name);
  std::string storage;  // used only when something is dropped: entries' text rarely needs it
  const std::string_view clean = clean_xml_view(text, storage);
  if (!clean.empty()) {
    node.append_child(pugi::node_pcdata).set_value(clean.data(), clean.size());
  }
  return node;
}

void set_attribute(pugi::xml_node node, const char* name, std::string_view value) {
  std::string storage;
  const std::string_view clean = clean_xml_view(value, storage);
  node.append_attribute(name).set_value(clean.data(), clean.size());
}

std::string save_document(const pugi::xml_document& doc) {
  std::string out;
  StringWriter writer(out);
  doc.save(writer, kIndent, kFormat, pugi::encoding_utf8);
  return out;
}

std::string save_children(pugi::xml_node node, unsigned depth) {
  std::string out;
  StringWriter writer(out);
  for (const pugi::xml_node child : node.children()) {
    child.print(writer, kIndent, kFormat, pugi::encoding_utf8, depth);
  }
  return out;
}

}  // namespace feedd::feeds
