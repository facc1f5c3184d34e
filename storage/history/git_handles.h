// Owning handles for libgit2 objects (each freed by its git_*_free), and the text of the last
// libgit2 error. Internal to storage/history. Thread-compatible like the objects they hold.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

namespace feedd::storage::git {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* object) const { Free(object); }
};

using Repository = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using Diff = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using Revwalk = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;

// "what: libgit2's message" for the failure that just happened.
inline std::string failure(const std::string& what) {
  const git_error* error = git_error_last();
  return what + ": " + (error != nullptr && error->message != nullptr ? error->message : "unknown");
}

}  // namespace feedd::storage::git
