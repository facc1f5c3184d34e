// Watches the post store with inotify through Asio: the whole tree, new subdirectories
// included, hidden directories (.git) and editor files ignored. After a quiet period (the
// debounce, so an editor's save or a `git pull` of 500 files is one change) it reports the
// changed paths, or that everything must be rescanned (the kernel queue overflowed, the store
// directory came back after vanishing). Runs on the executor it is given, which must be
// single-threaded (or a strand); not thread-safe otherwise. start() fails with an error code
// when inotify cannot be set up; later trouble is logged and recovered from.
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
};

class StoreWatcher {
 public:
  using Handler = std::function<void(StoreChanges)>;

  StoreWatcher(const boost::asio::any_io_executor& executor, std::filesystem::path root,
               std::chrono::milliseconds debounce, Handler handler);
  ~StoreWatcher();
  StoreWatcher(const StoreWatcher&) = delete;
  StoreWatcher& operator=(const StoreWatcher&) = delete;

  boost::system::error_code start();
  void stop();

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace feedd::daemon
