// The order of published posts in the catalogs: newest first by publication time, then by
// source path and position descending (as the feeds list them), then by key descending so
// that no two posts tie. A pure function; thread-safe.
#pragma once

#include <tuple>

#include "storage/post.h"

namespace feedd::feeds {

// Whether `a` comes before `b` newest first.
inline bool newer(const storage::PostTopics& a, const storage::PostTopics& b) {
  return std::tuple(b.published, b.source_path(), b.position, b.key()) <
         std::tuple(a.published, a.source_path(), a.position, a.key());
}

}  // namespace feedd::feeds
