// The YAML front matter parser feedd used before issue 12 (yaml-cpp 0.7), kept verbatim
// (renamed) as the baseline of bench/front_matter.sh: what the replacement is measured and
// compared against. Not part of the feedd build.
#include "bench/front_matter/yamlcpp_front_matter.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "storage/readers/front_matter_bounds.h"
#include "storage/readers/reader_limits.h"

namespace feedd::bench {
namespace {

using storage::BoundsError;
using storage::FrontMatter;
using storage::FrontMatterValue;
namespace limits = storage::limits;

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

FrontMatter yamlcpp_front_matter(std::string_view text, int first_line) {
  FrontMatter result;
  if (bounds_failed(storage::yaml_bounds_error(text), first_line, result)) {
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
        continue;
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

}  // namespace feedd::bench
