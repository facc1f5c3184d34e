// Synthetic snapshots for the concurrency tests: generation N serves /g.txt, whose bytes
// name N and are over feeds::kSendfileMin (so each one also has a memfd and a gzip copy).
// Snapshots are immutable: any thread may read them. Building one cannot fail.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/snapshot.h"

namespace feedd::testing {

inline std::string generation_body(std::uint64_t generation) {
  std::string body = "generation " + std::to_string(generation) + "\n";
  while (body.size() < 20 * 1024) {
    body += "a line of generation " + std::to_string(generation) + "\n";
  }
  return body;
}

// The generation a body names in its first line ("generation N"), or 0.
inline std::uint64_t generation_named_by(std::string_view body) {
  constexpr std::string_view kPrefix = "generation ";
  if (!body.starts_with(kPrefix)) {
    return 0;
  }
  return std::strtoull(std::string(body.substr(kPrefix.size(), 20)).c_str(), nullptr, 10);
}

inline std::shared_ptr<const feeds::Snapshot> generation_snapshot(std::uint64_t generation) {
  using std::chrono::sys_seconds;
  std::vector<feeds::ResourceSource> sources;
  sources.push_back({"/g.txt", "text/plain; charset=utf-8", generation_body(generation),
                     sys_seconds(std::chrono::seconds(generation))});
  return feeds::Snapshot::build(std::move(sources), sys_seconds(std::chrono::hours(24 * 365)),
                                generation, nullptr, {});
}

}  // namespace feedd::testing
