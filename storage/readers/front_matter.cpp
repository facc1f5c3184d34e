#include "storage/readers/front_matter.h"

#include <toml++/toml.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

#include "storage/readers/front_matter_bounds.h"
#include "storage/readers/reader_limits.h"

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

}  // namespace

FrontMatter parse_yaml_front_matter(std::string_view text, int first_line) {
  FrontMatter result;
  if (bounds_failed(yaml_bounds_error(text), first_line, result)) {
    return result;
  }
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) {
      return result;
    }
    if (bounds_failed(count_error(root.size(), "front matter", 1), first_line, result)) {
      return result;
    }
    if (!root.IsMap()) {
      result.error = "YAML front matter is not a mapping of keys to values";
      result.error_line = first_line + std::max(root.Mark().line, 0);
      return result;
    }
    // Range-for, not it->first: the iterator's operator-> proxy makes g++ 12 warn at -O2.
    for (const auto& pair : root) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar()) {
        continue;
      }
      FrontMatterValue value;
      value.line = first_line + std::max(key.Mark().line, 0);
      const YAML::Node& node = pair.second;
      if (node.IsScalar()) {
        value.items.push_back(node.Scalar());
      } else if (node.IsSequence()) {
        value.is_list = true;
        if (bounds_failed(
                count_error(node.size(), "'" + key.Scalar() + "'", value.line - first_line + 1),
                first_line, result)) {
          result.fields.clear();
          return result;
        }
        for (const YAML::Node& item : node) {
          if (item.IsScalar()) {
            value.items.push_back(item.Scalar());
          }
        }
      } else {
        continue;  // null or a nested mapping
      }
      result.fields[key.Scalar()] = std::move(value);
    }
  } catch (const YAML::Exception& e) {
    result.fields.clear();
    result.error = "YAML front matter: " + e.msg;
    result.error_line = first_line + std::max(e.mark.line, 0);
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
