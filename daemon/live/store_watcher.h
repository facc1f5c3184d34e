// Watches the post store with inotify through Asio: the whole tree, new subdirectories
// included, hidden directories (.git) and editor files ignored. After a quiet period (the
// debounce, so an editor's save or a `git pull` of 500 files is one change) it reports the
// changed paths, or that everything must be rescanned (the kernel queue overflowed, the store
// directory came back after vanishing, or store.path became another directory: its file
// system was unmounted, mounted again, a link moved; looked at every second, and at once on
// an unmount's IN_UNMOUNT). Runs on the executor it is given, which must be
// single-threaded (or a strand); not thread-safe otherwise. start() fails with an error code
// when inotify cannot be set up; later trouble is logged and recovered from.
// Before the quiet moment, an optional second handler hears the changes as soon as they have
// settled (every changed file closed after writing, moved or deleted), at most once per
// quiet period, so that work on them can start while the watcher waits (see Regenerator).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace feedd::daemon {

struct StoreChanges {
  bool rescan_all = false;         // scan the whole store (paths may then be empty)
  std::vector<std::string> paths;  // changed files or directories, relative to the root, sorted
  // How many events the watcher had taken in when it said this: a report with the same count
  // as a settled notice means no event came in between.
  std::uint64_t events = 0;
};

class StoreWatcher {
 public:
  using Handler = std::function<void(StoreChanges)>;

  StoreWatcher(const boost::asio::any_io_executor& executor, std::filesystem::path root,
               std::chrono::milliseconds debounce, Handler handler);
  ~StoreWatcher();
  StoreWatcher(const StoreWatcher&) = delete;
  StoreWatcher& operator=(const StoreWatcher&) = delete;

  // Hears settled changes (see above); call it before start(). Never with rescan_all.
  void on_settled(Handler settled);
  boost::system::error_code start();
  void stop();

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace feedd::daemon
