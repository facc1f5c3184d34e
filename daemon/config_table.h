#pragma once
// Reading one TOML table of feedd.toml with exact errors: each key read is checked for its
// type (and range), remembered, and every key never asked for is an "unknown key" error.
// Errors throw ConfigError with "file:line: table.key: reason". Not thread-safe; a reader
// borrows the table and the file path, which must outlive it. Used by config.cpp only.

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace feedd::daemon {

class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, const std::filesystem::path& file)
      : table_(table), prefix_(std::move(prefix)), file_(file) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& key,
                         const std::string& reason) const;
  // A bad value of `key`, checked after reading it: as fail() at the key's line (the file
  // alone when the key is absent and its default is what fails).
  [[noreturn]] void reject(const std::string& key, const std::string& reason) const;

  // The key's node (nullptr when absent), remembered as known.
  const toml::node* find(const std::string& key);

  // Each leaves `out` unchanged when the key is absent.
  void read(const std::string& key, std::string& out);
  void read(const std::string& key, bool& out);
  void read(const std::string& key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void read(const std::string& key, std::vector<std::string>& out);

  // Every key of the table must have been asked for.
  void reject_unknown() const;

 private:
  const toml::table& table_;
  std::string prefix_;
  const std::filesystem::path& file_;
  std::set<std::string> known_;
};

// The sub-table `name` of `parent` (an empty table when absent); not a table: ConfigError.
const toml::table& subtable(TableReader& parent, const std::string& name,
                            const std::filesystem::path& file);

}  // namespace feedd::daemon
