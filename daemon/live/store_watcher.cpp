#include "daemon/live/store_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <set>
#include <unordered_map>

#include "daemon/log.h"
#include "storage/readers/post_reader.h"
#include "storage/store_root.h"

namespace feedd::daemon {
namespace asio = boost::asio;

namespace {

constexpr std::string_view kWatchChannel = "watch";
constexpr std::uint32_t kDirectoryEvents =
    IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB |
    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;
// While events keep coming, report at least this often (a long `git pull` still shows up).
constexpr int kMaxDebounces = 20;
// How often to look for a store directory that vanished.
constexpr std::chrono::seconds kRootPoll{1};

bool is_hidden(std::string_view name) { return !name.empty() && name.front() == '.'; }

}  // namespace

class StoreWatcher::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(const asio::any_io_executor& executor, std::filesystem::path root,
       std::chrono::milliseconds debounce, Handler handler)
      : root_(std::move(root)),
        debounce_(debounce),
        handler_(std::move(handler)),
        stream_(executor),
        quiet_timer_(executor),
        root_timer_(executor),
        root_check_timer_(executor) {}

  boost::system::error_code start() {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
      return {errno, boost::system::system_category()};
    }
    stream_.assign(fd);
    if (!watch_tree("")) {
      log::warning(kWatchChannel,
                   root_.string() + ": the store directory is missing; waiting for it");
      poll_for_root();
    }
    check_root();
    read_events();
    return {};
  }

  void on_settled(Handler settled) { settled_ = std::move(settled); }

  void stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    quiet_timer_.cancel();
    root_timer_.cancel();
    root_check_timer_.cancel();
    stream_.close(ignored);
  }

 private:
  // Adds watches for `relative` (a directory under the root, "" for the root) and every
  // directory below it. False when the directory cannot be watched (e.g. it is gone).
  bool watch_tree(const std::string& relative) {
    auto absolute = relative.empty() ? root_ : root_ / relative;
    // store.path itself may be a symlink (/srv/posts -> a checkout): follow it; below the
    // root, symlinked directories are not walked (the scan does not follow them either).
    const std::uint32_t mask =
        relative.empty() ? kDirectoryEvents & ~IN_DONT_FOLLOW : kDirectoryEvents;
    // Before the watch: a directory put there in between is seen as a change by check_root().
    const auto root = relative.empty() ? storage::store_root_of(root_) : std::nullopt;
    int wd = inotify_add_watch(stream_.native_handle(), absolute.c_str(), mask);
    if (wd >= 0 && relative.empty()) {
      watched_root_ = root;
    }
    if (wd < 0) {
      if (errno == ENOSPC) {
        log::error(kWatchChannel,
                   absolute.string() +
                       ": inotify watch limit reached (raise fs.inotify.max_user_watches);"
                       " changes there are seen by the periodic rescan only");
      }
      return false;
    }
    directories_[wd] = relative;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(absolute, ec), end; !ec && it != end;
         it.increment(ec)) {
      auto name = it->path().filename().string();
      if (it->is_directory(ec) && !it->is_symlink(ec) && !is_hidden(name)) {
        watch_tree(relative.empty() ? name : relative + "/" + name);
      }
    }
    return true;
  }

  void read_events() {
    stream_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (self->stopped_ || ec == asio::error::operation_aborted) {
            return;
          }
          if (ec) {
            log::error(kWatchChannel, "reading inotify events: " + ec.message());
            return;
          }
          self->handle_events(n);
          self->read_events();
        });
  }

  void handle_events(std::size_t length) { handle_events(buffer_.data(), length); }

  void handle_events(const char* data, std::size_t length) {
    bool relevant = false;
    for (std::size_t offset = 0; offset + sizeof(inotify_event) <= length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(data + offset);
      offset += sizeof(inotify_event) + event->len;
      if (handle(*event)) {
        relevant = true;
        ++events_;
      }
    }
    if (relevant) {
      arm_quiet_timer();
      offer_settled();
    }
  }

  // Tells settled_ the changes so far, once per quiet period, when no file is being written.
  void offer_settled() {
    if (!settled_ || offered_ || rescan_all_ || !writing_.empty() || changed_.empty()) {
      return;
    }
    offered_ = true;
    StoreChanges changes;
    changes.paths.assign(changed_.begin(), changed_.end());
    changes.events = events_;
    settled_(changes);
  }

  // Takes in the events already queued without waiting (the fd is non-blocking); true when
  // one of them may change the feeds (the quiet period then starts again).
  bool take_queued_events() {
    bool relevant = false;
    for (;;) {
      const ssize_t n = ::read(stream_.native_handle(), queued_.data(), queued_.size());
      if (n <= 0) {
        return relevant;
      }
      const auto before = events_;
      handle_events(queued_.data(), static_cast<std::size_t>(n));
      relevant |= events_ != before;
    }
  }

  // Returns whether the event may change the feeds.
  bool handle(const inotify_event& event) {
    if (event.mask & IN_Q_OVERFLOW) {
      log::warning(kWatchChannel, "inotify queue overflowed: rescanning the whole store");
      rescan_all_ = true;
      watch_tree("");  // directories created meanwhile lost their IN_CREATE: watched now
      return true;
    }
    auto it = directories_.find(event.wd);
    if (it == directories_.end()) {
      return false;
    }
    const std::string directory = it->second;
    if (directory.empty() && (event.mask & (IN_UNMOUNT | IN_DELETE_SELF | IN_MOVE_SELF))) {
      return store_directory_lost(event.mask);
    }
    if (event.mask & IN_IGNORED) {
      directories_.erase(it);
      return false;
    }
    if (event.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
      return false;  // the parent's event names the directory itself
    }
    std::string name = event.len > 0 ? std::string(event.name) : std::string();
    if (name.empty()) {
      return false;
    }
    bool is_directory = (event.mask & IN_ISDIR) != 0;
    if (is_directory ? is_hidden(name) : storage::is_ignored_file_name(name)) {
      return false;
    }
    std::string relative = directory.empty() ? name : directory + "/" + name;
    if (!is_directory && (event.mask & (IN_CREATE | IN_MODIFY))) {
      writing_.insert(relative);  // a writer may not be done with it yet
    } else if (event.mask & (IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE)) {
      writing_.erase(relative);
    }
    if (is_directory && (event.mask & (IN_CREATE | IN_MOVED_TO))) {
      watch_tree(relative);  // files created in it before the watch exist: scanned as a tree
    }
    if (is_directory && (event.mask & IN_MODIFY)) {
      return false;
    }
    changed_.insert(std::move(relative));
    return true;
  }

  void arm_quiet_timer() {
    if (++debounces_ > kMaxDebounces &&
        quiet_timer_.expiry() > asio::steady_timer::clock_type::now()) {
      return;  // events keep coming: let the armed timer fire rather than wait forever
    }
    quiet_timer_.expires_after(debounce_);
    quiet_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped_) {
        return;
      }
      // Events that came while this executor was busy (preparing a change, say) may still
      // wait in the queue: the moment is quiet only if there are none.
      if (self->debounces_ <= kMaxDebounces && self->take_queued_events()) {
        return;  // the timer is armed again
      }
      self->report();
    });
  }

  void report() {
    StoreChanges changes;
    changes.rescan_all = rescan_all_;
    changes.paths.assign(changed_.begin(), changed_.end());
    changes.events = events_;
    changed_.clear();
    writing_.clear();  // a writer still at it makes new events
    rescan_all_ = false;
    debounces_ = 0;
    offered_ = false;
    handler_(std::move(changes));
  }

  // The store directory's own event `mask`: its file system unmounted, or it was deleted or
  // moved away. Returns whether a rescan follows at once.
  bool store_directory_lost(std::uint32_t mask) {
    if (mask & IN_UNMOUNT) {
      // Every watch went with the file system (umount behind systemd's back, see
      // RequiresMountsFor= in the README): whatever is at store.path now is watched instead
      // and rescanned, and the scan says what it finds (a mount point holding no post file
      // is a missing store). check_root() follows when a file system is mounted there again.
      log::warning(kWatchChannel, root_.string() + ": the store's file system was unmounted");
      watch_again();
      return rescan_all_;
    }
    log::warning(kWatchChannel, root_.string() + ": the store directory went away; waiting for it");
    drop_watches();  // moved away, the tree is still watched where it went
    poll_for_root();
    return false;
  }

  void drop_watches() {
    for (const auto& [wd, path] : directories_) {
      inotify_rm_watch(stream_.native_handle(), wd);
    }
    directories_.clear();
    watched_root_.reset();
  }

  // Drops every watch and watches store.path anew, with a rescan; waits for it when it is not
  // there.
  void watch_again() {
    drop_watches();
    if (watch_tree("")) {
      rescan_all_ = true;
      arm_quiet_timer();
    } else {
      poll_for_root();
    }
  }

  // Every kRootPoll: whether store.path is still the directory watched. Another one there (a
  // file system unmounted or mounted again, a bind mount, a symbolic link moved) has none of
  // the watches: it is watched instead and rescanned. A stat a second, nothing more.
  void check_root() {
    root_check_timer_.expires_after(kRootPoll);
    root_check_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped_) {
        return;
      }
      const auto now = storage::store_root_of(self->root_);
      if (self->watched_root_ && now && *now != *self->watched_root_) {
        log::info(kWatchChannel, self->root_.string() + ": now another directory (" +
                                     storage::describe(*now) + ", was " +
                                     storage::describe(*self->watched_root_) +
                                     "): watching it and rescanning");
        self->watch_again();
      }
      self->check_root();
    });
  }

  void poll_for_root() {
    root_timer_.expires_after(kRootPoll);
    root_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped_) {
        return;
      }
      if (self->watch_tree("")) {
        log::info(kWatchChannel,
                  self->root_.string() + ": the store directory is back: rescanning");
        self->rescan_all_ = true;
        self->arm_quiet_timer();
      } else {
        self->poll_for_root();
      }
    });
  }

  // Fixed after construction.
  const std::filesystem::path root_;
  const std::chrono::milliseconds debounce_;
  const Handler handler_;
  Handler settled_;  // set before start()
  // Used only on the executor.
  asio::posix::stream_descriptor stream_;
  asio::steady_timer quiet_timer_;
  asio::steady_timer root_timer_;
  asio::steady_timer root_check_timer_;
  std::optional<storage::StoreRoot> watched_root_;  // store.path's directory as watched
  std::array<char, 64 * 1024> buffer_{};
  std::unordered_map<int, std::string> directories_;  // watch descriptor -> relative dir
  std::array<char, 16 * 1024> queued_{};  // for take_queued_events(), beside buffer_'s read
  std::set<std::string> changed_;
  std::set<std::string> writing_;  // of changed_, files whose last event was a create or write
  std::uint64_t events_ = 0;       // relevant events taken in since start
  bool offered_ = false;           // settled_ heard this quiet period's changes
  bool rescan_all_ = false;
  int debounces_ = 0;
  bool stopped_ = false;
};

StoreWatcher::StoreWatcher(const asio::any_io_executor& executor, std::filesystem::path root,
                           std::chrono::milliseconds debounce, Handler handler)
    : impl_(std::make_shared<Impl>(executor, std::move(root), debounce, std::move(handler))) {}

StoreWatcher::~StoreWatcher() { impl_->stop(); }

void StoreWatcher::on_settled(Handler settled) { impl_->on_settled(std::move(settled)); }
boost::system::error_code StoreWatcher::start() { return impl_->start(); }
void StoreWatcher::stop() { impl_->stop(); }

}  // namespace feedd::daemon
