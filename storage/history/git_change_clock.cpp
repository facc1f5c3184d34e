#include "storage/history/git_change_clock.h"

#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "storage/history/git_handles.h"
#include "storage/index/post_rows.h"
#include "storage/readers/post_reader.h"

namespace feedd::storage {
namespace {

// One commit's change to one file: the blobs after and before (zero: absent).
struct FileChange {
  std::chrono::sys_seconds at{};
  git_oid after{};
  git_oid before{};
};

// Blobs parsed beyond this many are forgotten (all at once: simple, and rare).
constexpr std::size_t kParsedBlobs = 4096;

std::string hex(const git_oid& id) {
  char text[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(text, sizeof text, &id);
  return text;
}

// Whether `folder` or a folder above it holds a `.git` entry (a directory, or the file a
// linked work tree or submodule has). Without one libgit2 cannot find a work tree either,
// and starting libgit2 costs ~10 ms per process (Debian's build reads the system CA bundle
// then), which a one-file rebuild of a small store notices.
bool has_git_entry_above(std::filesystem::path folder) {
  std::error_code ec;
  while (true) {
    if (std::filesystem::exists(folder / ".git", ec)) {
      return true;
    }
    auto parent = folder.parent_path();
    if (parent == folder) {
      return false;
    }
    folder = std::move(parent);
  }
}

}  // namespace

struct GitChangeClock::Impl {
  git::Repository repo;
  std::filesystem::path work_tree;
  std::string prefix;  // the store's folder in the work tree, "" or ending in '/'
  ReaderOptions options;
  std::optional<git_oid> head;      // the commit the history was walked from
  std::optional<git_oid> reported;  // HEAD at the last moved_since_last_call()
  bool reported_once = false;
  std::unordered_map<std::string, std::vector<FileChange>> history;  // newest first, by path
  std::unordered_map<std::string, std::map<std::string, std::string>>
      parsed;  // blob+path: key → hash
  std::uint64_t walks = 0;
  bool broken = false;  // the walk from `head` failed: every answer is "seen"
  std::string failure;

  ~Impl() { repo.reset(); }

  std::optional<git_oid> read_head() const;
  void refresh();
  bool walk(const git_oid& from);
  bool record(git_commit* commit, git_diff* diff);
  git::Diff diff_trees(const git_oid* older, const git_oid& newer);
  std::optional<std::string> state(const git_oid& blob, const std::string& path,
                                   const std::string& key);
  std::string relative(const char* repo_path) const;
  bool work_tree_matches(const std::string& path, const git_oid& blob) const;
};

bool GitChangeClock::Impl::work_tree_matches(const std::string& path, const git_oid& blob) const {
  std::ifstream in(work_tree / (prefix + path), std::ios::binary);
  if (!in) {
    return git_oid_is_zero(&blob) != 0;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string text = bytes.str();
  git_oid id;
  return git_odb_hash(&id, text.data(), text.size(), GIT_OBJECT_BLOB) == 0 &&
         git_oid_equal(&id, &blob) != 0;
}

std::optional<git_oid> GitChangeClock::Impl::read_head() const {
  git_oid id;
  if (git_reference_name_to_id(&id, repo.get(), "HEAD") != 0) {
    return std::nullopt;  // an unborn branch: no history yet
  }
  return id;
}

void GitChangeClock::Impl::refresh() {
  auto now = read_head();
  if (now && head && git_oid_equal(&*now, &*head)) {
    return;
  }
  history.clear();
  head = now;
  broken = now && !walk(*now);
  if (broken) {
    history.clear();  // answers "seen" until the next HEAD
  }
}

std::string GitChangeClock::Impl::relative(const char* repo_path) const {
  std::string path(repo_path);
  return path.starts_with(prefix) ? path.substr(prefix.size()) : std::string();
}

git::Diff GitChangeClock::Impl::diff_trees(const git_oid* older, const git_oid& newer) {
  auto tree_of = [&](const git_oid& id) {
    git_commit* commit = nullptr;
    git_tree* tree = nullptr;
    if (git_commit_lookup(&commit, repo.get(), &id) == 0) {
      git_commit_tree(&tree, commit);
      git_commit_free(commit);
    }
    return git::Tree(tree);
  };
  git::Tree old_tree = older != nullptr ? tree_of(*older) : git::Tree();
  git::Tree new_tree = tree_of(newer);
  // The init function, not GIT_DIFF_OPTIONS_INIT: clang's -Wmissing-field-initializers
  // rejects the macro's partial aggregate under -Werror.
  git_diff_options options;
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  std::string folder = prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1);
  char* spec[] = {folder.data()};
  if (!folder.empty()) {
    options.pathspec = {spec, 1};
  }
  git_diff* diff = nullptr;
  if (!new_tree || (older != nullptr && !old_tree) ||
      git_diff_tree_to_tree(&diff, repo.get(), old_tree.get(), new_tree.get(), &options) != 0) {
    failure = git::failure("diffing " + hex(newer));
    return {};
  }
  return git::Diff(diff);
}

bool GitChangeClock::Impl::walk(const git_oid& from) {
  ++walks;
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo.get()) != 0) {
    failure = git::failure("walking the history");
    return false;
  }
  git::Revwalk revwalk(raw);
  git_revwalk_sorting(revwalk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  git_revwalk_simplify_first_parent(revwalk.get());
  if (git_revwalk_push(revwalk.get(), &from) != 0) {
    failure = git::failure("walking from " + hex(from));
    return false;
  }
  git_oid id;
  while (git_revwalk_next(&id, revwalk.get()) == 0) {
    git_commit* raw_commit = nullptr;
    if (git_commit_lookup(&raw_commit, repo.get(), &id) != 0) {
      failure = git::failure("reading commit " + hex(id));
      return false;
    }
    git::Commit commit(raw_commit);
    const git_oid* parent =
        git_commit_parentcount(commit.get()) > 0 ? git_commit_parent_id(commit.get(), 0) : nullptr;
    auto diff = diff_trees(parent, id);
    if (!diff || !record(commit.get(), diff.get())) {
      return false;
    }
  }
  return true;
}

bool GitChangeClock::Impl::record(git_commit* commit, git_diff* diff) {
  const auto at = std::chrono::sys_seconds(std::chrono::seconds(git_commit_time(commit)));
  const std::size_t deltas = git_diff_num_deltas(diff);
  for (std::size_t i = 0; i < deltas; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff, i);
    const char* name =
        delta->new_file.path != nullptr ? delta->new_file.path : delta->old_file.path;
    auto path = relative(name);
    if (!path.empty()) {
      history[path].push_back({at, delta->new_file.id, delta->old_file.id});
    }
  }
  return true;
}

std::optional<std::string> GitChangeClock::Impl::state(const git_oid& blob, const std::string& path,
                                                       const std::string& key) {
  if (git_oid_is_zero(&blob)) {
    return std::nullopt;
  }
  const std::string id = hex(blob) + '\n' + path;
  auto it = parsed.find(id);
  if (it == parsed.end()) {
    if (parsed.size() >= kParsedBlobs) {
      parsed.clear();
    }
    std::map<std::string, std::string> hashes;
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo.get(), &blob) == 0) {
      git::Blob object(raw);
      std::string bytes(static_cast<const char*>(git_blob_rawcontent(object.get())),
                        static_cast<std::size_t>(git_blob_rawsize(object.get())));
      for (const auto& post : read_post_file(path, bytes, options).posts) {
        hashes.emplace(post.key, rows::visible_hash(post));
      }
    } else {
      failure = git::failure("reading blob " + hex(blob) + " of " + path);
    }
    it = parsed.emplace(id, std::move(hashes)).first;
  }
  auto found = it->second.find(key);
  return found == it->second.end() ? std::nullopt : std::optional(found->second);
}

GitChangeClock::GitChangeClock(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GitChangeClock::~GitChangeClock() {
  impl_.reset();
  git_libgit2_shutdown();
}

std::unique_ptr<GitChangeClock> GitChangeClock::open(const std::filesystem::path& store,
                                                     const ReaderOptions& options,
                                                     std::string& why) {
  std::error_code ec;
  auto absolute = std::filesystem::canonical(store, ec);
  if (ec) {
    why = store.string() + ": " + ec.message();
    return nullptr;
  }
  if (!has_git_entry_above(absolute)) {
    why = store.string() + ": no .git in it or in a folder above it";
    return nullptr;
  }
  git_libgit2_init();
  // Only objects and refs are read (no config-driven command runs), so a work tree owned by
  // another user (the usual /srv/posts under a service user) is fine to read.
  git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, absolute.c_str(), 0, nullptr) != 0) {
    why = git::failure(store.string());
    git_libgit2_shutdown();
    return nullptr;
  }
  impl->repo.reset(raw);
  const char* work_tree = git_repository_workdir(raw);
  if (work_tree == nullptr) {
    why = store.string() + ": a bare repository, not a work tree";
    impl.reset();
    git_libgit2_shutdown();
    return nullptr;
  }
  impl->work_tree = std::filesystem::canonical(work_tree, ec);
  auto folder = absolute.lexically_relative(impl->work_tree).generic_string();
  impl->prefix = folder == "." || folder.empty() ? "" : folder + "/";
  // A store the work tree ignores (e.g. a scratch folder inside another project's clone) has
  // no history there: its files would all look uncommitted.
  int ignored = 0;
  if (!impl->prefix.empty() && git_ignore_path_is_ignored(&ignored, raw, folder.c_str()) == 0 &&
      ignored != 0) {
    why = store.string() + ": ignored by the git work tree " + impl->work_tree.string();
    impl.reset();
    git_libgit2_shutdown();
    return nullptr;
  }
  return std::unique_ptr<GitChangeClock>(new GitChangeClock(std::move(impl)));
}

StoreTime GitChangeClock::last_change(const std::string& path, const std::string& key,
                                      const std::optional<std::string>& visible) {
  auto& impl = *impl_;
  impl.refresh();
  if (impl.broken) {
    return {};
  }
  auto it = impl.history.find(path);
  if (it == impl.history.end()) {  // never committed
    return {visible ? StoreTime::Source::first_version : StoreTime::Source::seen, {}};
  }
  const auto& changes = it->second;
  // The work tree against HEAD: the same file (no parse needed), or an uncommitted edit.
  if (!impl.work_tree_matches(path, changes.front().after)) {
    auto head = impl.state(changes.front().after, path, key);
    if (head != visible) {
      return {visible && !head ? StoreTime::Source::first_version : StoreTime::Source::seen, {}};
    }
  }
  // Newest first, each change's "after" is the next older one's "before": only parents are
  // parsed, until the post differs.
  std::optional<std::string> current = visible;
  for (const auto& change : changes) {
    auto before = impl.state(change.before, path, key);
    if (before != current) {
      if (!before) {
        return {StoreTime::Source::first_version, {}};
      }
      return {StoreTime::Source::commit, change.at};
    }
    current = std::move(before);
  }
  return {visible ? StoreTime::Source::first_version : StoreTime::Source::seen, {}};
}

std::vector<std::string> GitChangeClock::moved_since_last_call() {
  auto& impl = *impl_;
  impl.refresh();
  std::vector<std::string> moved;
  const auto previous = impl.reported;
  impl.reported = impl.head;
  const bool first = !impl.reported_once;
  impl.reported_once = true;
  if (first || !impl.head || (previous && git_oid_equal(&*previous, &*impl.head))) {
    return moved;
  }
  auto diff = impl.diff_trees(previous ? &*previous : nullptr, *impl.head);
  if (!diff) {
    return moved;
  }
  const std::size_t deltas = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < deltas; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    auto path = impl.relative(delta->new_file.path);
    if (!path.empty()) {
      moved.push_back(std::move(path));
    }
  }
  return moved;
}

std::string GitChangeClock::take_failure() { return std::exchange(impl_->failure, {}); }

std::uint64_t GitChangeClock::walks() const { return impl_->walks; }

std::filesystem::path GitChangeClock::work_tree() const { return impl_->work_tree; }

}  // namespace feedd::storage
