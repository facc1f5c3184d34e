#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/index/index.h"
#include "storage/index/index_impl.h"

// What `feedd build --out` last wrote: schema step 4 and its two statements. The rows are a
// cache like the rest of the index: losing them (a rebuilt index) only makes the next build
// render every file again.
namespace feedd::storage {

namespace index_detail {

// Schema step 4 (see schema.sql).
const char* const kBuiltFilesSql =
    "CREATE TABLE built_files ("
    "  out_dir TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  inputs TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  mtime_ns INTEGER NOT NULL,"
    "  PRIMARY KEY (out_dir, path)) WITHOUT ROWID;";

}  // namespace index_detail

std::unordered_map<std::string, BuiltFile> Index::built_files(const std::string& out_dir) {
  return index_detail::guard_sqlite(
      "reading the files of the last build", [&]() -> std::unordered_map<std::string, BuiltFile> {
        auto query = impl_->cached(
            "SELECT path, inputs, size, mtime_ns FROM built_files WHERE out_dir = :dir");
        query->bind(":dir", out_dir);
        std::unordered_map<std::string, BuiltFile> files;
        while (query->executeStep()) {
          BuiltFile file{query->getColumn(1).getString(), query->getColumn(2).getInt64(),
                         query->getColumn(3).getInt64()};
          files.emplace(query->getColumn(0).getString(), std::move(file));
        }
        return files;
      });
}

void Index::record_built_files(const std::string& out_dir,
                               const std::vector<std::pair<std::string, BuiltFile>>& files) {
  index_detail::guard_sqlite("recording the files of a build", [&] {
    SQLite::Transaction transaction(impl_->db);
    auto upsert = impl_->cached(
        "INSERT INTO built_files (out_dir, path, inputs, size, mtime_ns) VALUES (:dir, :path, "
        ":inputs, :size, :mtime) ON CONFLICT (out_dir, path) DO UPDATE SET inputs = "
        "excluded.inputs, size = excluded.size, mtime_ns = excluded.mtime_ns");
    for (const auto& [path, file] : files) {
      upsert->reset();
      upsert->bind(":dir", out_dir);
      upsert->bind(":path", path);
      upsert->bind(":inputs", file.inputs);
      upsert->bind(":size", file.size);
      upsert->bind(":mtime", file.mtime_ns);
      upsert->exec();
    }
    transaction.commit();
  });
}

}  // namespace feedd::storage
