#include "storage/readers/front_matter.h"

#include <toml++/toml.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "storage/readers/front_matter_bounds.h"
#include "storage/readers/reader_limits.h"
#include "storage/readers/yaml_event_reader.h"

namespace feedd::storage {
namespace {

// A TOML scalar as text; false when the node is not a scalar.
bool toml_scalar_text(const toml::node& node, std::string& out) {
  if (const auto* s = node.as_string()) {
    out = s->get();
    return true;
  }
  if (const auto* b = node.as_boolean()) {
    out = b->get() ? "true" : "false";
    return true;
  }
  std::ostringstream os;
  if (const auto* i = node.as_integer()) {
    os << i->get();
  } else if (const auto* f = node.as_floating_point()) {
    os << f->get();
  } else if (const auto* d = node.as_date()) {
    os << d->get();
  } else if (const auto* t = node.as_time()) {
    os << t->get();
  } else if (const auto* dt = node.as_date_time()) {
    os << dt->get();
  } else {
    return false;
  }
  out = os.str();
  return true;
}

// The error for a bound passed before parsing, or for too many keys or list items after.
bool bounds_failed(const std::optional<BoundsError>& error, int first_line, FrontMatter& result) {
  if (!error) {
    return false;
  }
  result.error = error->reason;
  result.error_line = error->line == 0 ? first_line - 1 : first_line - 1 + error->line;
  return true;
}

std::optional<BoundsError> count_error(std::size_t count, const std::string& what, int line) {
  if (count <= limits::kMaxListItems) {
    return std::nullopt;
  }
  return BoundsError{line, what + " has " + std::to_string(count) + " items, more than " +
                               std::to_string(limits::kMaxListItems)};
}

// A YAML node as front matter sees it: a scalar, a list of its scalar items, or neither.
// An alias shares its anchor's node (no copy: aliases of a long list cost nothing each).
struct YamlNode {
  enum class Kind { null, scalar, list, other } kind = Kind::null;
  std::size_t count = 0;               // items of a sequence, pairs of a mapping
  std::vector<std::string> own_items;  // the scalar, or the list's scalar items (up to the bound)
  std::shared_ptr<const YamlNode> alias;

  const std::vector<std::string>& items() const { return alias ? alias->own_items : own_items; }
};

// Reads one YAML document from libyaml's events into FrontMatter fields: the top-level
// mapping's scalar and list-of-scalar values, aliases resolved through the anchors seen.
// Nesting past kMaxFrontMatterDepth and a top-level key given twice are errors.
class YamlFrontMatter {
 public:
  YamlFrontMatter(YamlEventReader& in, int first_line, FrontMatter& out)
      : in_(in), first_line_(first_line), out_(out) {}

  // False on an error: out.error is set, or in.error() holds libyaml's.
  bool read() {
    if (!in_.next() || !in_.next()) {  // stream start, then a document or the stream's end
      return false;
    }
    if (in_.type() == YAML_STREAM_END_EVENT) {
      return true;  // nothing but comments
    }
    if (!in_.next()) {
      return false;
    }
    const int root_line = in_.line();
    if (in_.type() == YAML_MAPPING_START_EVENT) {
      return read_top_mapping() && in_.next();  // the document's end: errors before it count
    }
    YamlNode root;
    if (!read_node(1, root) || !in_.next()) {
      return false;
    }
    if (root.kind == YamlNode::Kind::null) {
      return true;
    }
    return !fail(count_error(root.count, "front matter", 1)) &&
           !fail(
               BoundsError{root_line + 1, "YAML front matter is not a mapping of keys to values"});
  }

 private:
  bool fail(const std::optional<BoundsError>& error) {
    return bounds_failed(error, first_line_, out_);
  }

  bool read_top_mapping() {
    std::size_t pairs = 0;
    std::map<std::string, int> seen;  // key -> file line
    while (in_.next() && in_.type() != YAML_MAPPING_END_EVENT) {
      const int key_line = in_.line();
      YamlNode key;
      YamlNode value;
      if (!read_node(2, key) || !in_.next() || !read_node(2, value)) {
        return false;
      }
      if (++pairs > limits::kMaxListItems || key.kind != YamlNode::Kind::scalar) {
        continue;  // counted below; complex and null keys are left out
      }
      const std::string& name = key.items().front();
      const auto [first, fresh] = seen.emplace(name, first_line_ + key_line);
      if (!fresh) {
        return !fail(BoundsError{key_line + 1, "YAML front matter: key '" + name +
                                                   "' given twice (first at line " +
                                                   std::to_string(first->second) + ")"});
      }
      if (value.kind == YamlNode::Kind::list &&
          fail(count_error(value.count, "'" + name + "'", key_line + 1))) {
        return false;
      }
      if (value.kind == YamlNode::Kind::scalar || value.kind == YamlNode::Kind::list) {
        FrontMatterValue& field = out_.fields[name];
        field.is_list = value.kind == YamlNode::Kind::list;
        field.line = first_line_ + key_line;
        if (value.alias) {
          field.items = value.alias->own_items;
        } else {
          field.items = std::move(value.own_items);
        }
      }
    }
    return in_.error().empty() && !fail(count_error(pairs, "front matter", 1));
  }

  // Reads the node whose first event is current, up to its last event; records its anchor.
  bool read_node(int depth, YamlNode& node) {
    if (depth > limits::kMaxFrontMatterDepth) {
      return !fail(BoundsError{in_.line() + 1, "front matter nested deeper than " +
                                                   std::to_string(limits::kMaxFrontMatterDepth) +
                                                   " levels"});
    }
    const std::string anchor(in_.anchor());
    switch (in_.type()) {
      case YAML_SCALAR_EVENT:
        node.kind = in_.scalar_is_null() ? YamlNode::Kind::null : YamlNode::Kind::scalar;
        node.own_items.push_back(in_.scalar());
        break;
      case YAML_ALIAS_EVENT: {
        const auto found = anchors_.find(anchor);
        if (found == anchors_.end()) {
          return !fail(BoundsError{in_.line() + 1,
                                   "YAML front matter: alias '*" + anchor + "' has no anchor"});
        }
        node.kind = found->second->kind;
        node.count = found->second->count;
        node.alias = found->second;
        return true;  // an alias has no anchor of its own
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        if (!read_collection(depth, node)) {
          return false;
        }
        break;
      default:
        return !fail(BoundsError{in_.line() + 1, "YAML front matter: unexpected event"});
    }
    if (!anchor.empty()) {
      anchors_[anchor] = std::make_shared<const YamlNode>(node);
    }
    return true;
  }

  bool read_collection(int depth, YamlNode& node) {
    const bool sequence = in_.type() == YAML_SEQUENCE_START_EVENT;
    const yaml_event_type_t end = sequence ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
    node.kind = sequence ? YamlNode::Kind::list : YamlNode::Kind::other;
    while (in_.next() && in_.type() != end) {
      YamlNode child;
      if (!read_node(depth + 1, child)) {
        return false;
      }
      if (!sequence) {
        YamlNode value;  // a mapping's value: read for its anchors and its depth
        if (!in_.next() || !read_node(depth + 1, value)) {
          return false;
        }
      } else if (child.kind == YamlNode::Kind::scalar && node.count < limits::kMaxListItems) {
        node.own_items.push_back(child.items().front());
      }
      ++node.count;
    }
    return in_.error().empty();
  }

  YamlEventReader& in_;
  const int first_line_;
  FrontMatter& out_;
  std::map<std::string, std::shared_ptr<const YamlNode>> anchors_;
};
}  // namespace

FrontMatter parse_yaml_front_matter(std::string_view text, int first_line) {
  FrontMatter result;
  if (bounds_failed(yaml_bounds_error(text), first_line, result)) {
    return result;
  }
  YamlEventReader in(text);
  YamlFrontMatter reader(in, first_line, result);
  if (!reader.read()) {
    result.fields.clear();
    if (result.error.empty()) {
      result.error = "YAML front matter: " + in.error();
      result.error_line = first_line + in.error_line();
      if (in.context_line() >= 0 && in.context_line() != in.error_line()) {
        result.error += " begun at line " + std::to_string(first_line + in.context_line());
      }
    }
  }
  return result;
}

FrontMatter parse_toml_front_matter(std::string_view text, int first_line) {
  FrontMatter result;
  if (bounds_failed(toml_bounds_error(text), first_line, result)) {
    return result;
  }
  try {
    const toml::table table = toml::parse(text);
    if (bounds_failed(count_error(table.size(), "front matter", 1), first_line, result)) {
      return result;
    }
    for (auto&& [key, node] : table) {
      FrontMatterValue value;
      value.line = first_line - 1 + static_cast<int>(std::max(key.source().begin.line, 1u));
      std::string item;
      if (toml_scalar_text(node, item)) {
        value.items.push_back(std::move(item));
      } else if (const auto* array = node.as_array()) {
        value.is_list = true;
        if (bounds_failed(count_error(array->size(), "'" + std::string(key.str()) + "'",
                                      value.line - first_line + 1),
                          first_line, result)) {
          result.fields.clear();
          return result;
        }
        for (const toml::node& element : *array) {
          if (toml_scalar_text(element, item)) {
            value.items.push_back(std::move(item));
          }
        }
      } else {
        continue;  // a table
      }
      result.fields[std::string(key.str())] = std::move(value);
    }
  } catch (const toml::parse_error& e) {
    result.fields.clear();
    result.error = "TOML front matter: " + std::string(e.description());
    result.error_line = first_line - 1 + static_cast<int>(std::max(e.source().begin.line, 1u));
  }
  return result;
}

}  // namespace feedd::storage
