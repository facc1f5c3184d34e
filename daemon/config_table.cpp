#include "daemon/config_table.h"

#include "daemon/config.h"

namespace feedd::daemon {

void TableReader::fail(const toml::node& node, const std::string& key,
                       const std::string& reason) const {
  throw ConfigError(file_.string() + ":" + std::to_string(node.source().begin.line) + ": " +
                    prefix_ + key + ": " + reason);
}

void TableReader::reject(const std::string& key, const std::string& reason) const {
  if (const auto* node = table_.get(key)) {
    fail(*node, key, reason);
  }
  throw ConfigError(file_.string() + ": " + prefix_ + key + ": " + reason);
}

const toml::node* TableReader::find(const std::string& key) {
  known_.insert(key);
  return table_.get(key);
}

void TableReader::read(const std::string& key, std::string& out) {
  if (const auto* node = find(key)) {
    auto value = node->value<std::string>();
    if (!value || !node->is_string()) {
      fail(*node, key, "expected a string");
    }
    out = *value;
  }
}

void TableReader::read(const std::string& key, bool& out) {
  if (const auto* node = find(key)) {
    if (!node->is_boolean()) {
      fail(*node, key, "expected true or false");
    }
    out = *node->value<bool>();
  }
}

void TableReader::read(const std::string& key, std::int64_t& out, std::int64_t min,
                       std::int64_t max) {
  if (const auto* node = find(key)) {
    if (!node->is_integer()) {
      fail(*node, key, "expected an integer");
    }
    auto value = *node->value<std::int64_t>();
    if (value < min || value > max) {
      fail(*node, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    out = value;
  }
}

void TableReader::read(const std::string& key, std::vector<std::string>& out) {
  if (const auto* node = find(key)) {
    const auto* array = node->as_array();
    if (!array) {
      fail(*node, key, "expected an array of strings");
    }
    out.clear();
    for (const auto& element : *array) {
      if (!element.is_string()) {
        fail(element, key, "expected an array of strings");
      }
      out.push_back(*element.value<std::string>());
    }
  }
}

void TableReader::reject_unknown() const {
  for (const auto& [key, node] : table_) {
    if (!known_.contains(std::string(key.str()))) {
      throw ConfigError(file_.string() + ":" + std::to_string(key.source().begin.line) +
                        ": unknown key " + prefix_ + std::string(key.str()));
    }
  }
}

const toml::table& subtable(TableReader& parent, const std::string& name,
                            const std::filesystem::path& file) {
  static const toml::table kEmpty;
  const auto* node = parent.find(name);
  if (!node) {
    return kEmpty;
  }
  const auto* table = node->as_table();
  if (!table) {
    throw ConfigError(file.string() + ":" + std::to_string(node->source().begin.line) + ": " +
                      name + ": expected a table");
  }
  return *table;
}

}  // namespace feedd::daemon
