// sd_notify messages read from a NOTIFY_SOCKET datagram socket the test owns, the watchdog
// interval, socket activation with LISTEN_FDS set up by the test, and the no-systemd case.
#include "daemon/systemd_notify.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>

#include "tests/support/test_support.h"

namespace feedd::daemon::systemd {
BOOST_AUTO_TEST_SUITE(systemd_notify)

namespace {

using namespace std::chrono_literals;

// Sets an environment variable for the scope, restoring the previous state after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = ::getenv(name)) {
      old_ = old;
    }
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A datagram socket standing in for the service manager's notification socket.
struct NotifySocket {
  testing::TempDir dir;
  std::string path = (dir / "notify").string();
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ScopedEnv env{"NOTIFY_SOCKET", path};

  NotifySocket() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    BOOST_REQUIRE(path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~NotifySocket() { ::close(fd); }

  std::string receive() {
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    return n < 0 ? std::string("<nothing>") : std::string(buffer, static_cast<std::size_t>(n));
  }
};

// A listening TCP socket on 127.0.0.1, port chosen by the kernel.
int listening_socket() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  BOOST_REQUIRE(::listen(fd, 4) == 0);
  return fd;
}

// Puts `fd` at descriptor 3 (as systemd does) for the scope, keeping whatever was there.
class AtFd3 {
 public:
  explicit AtFd3(int fd) : saved_(::fcntl(3, F_DUPFD_CLOEXEC, 10)) { ::dup2(fd, 3); }
  ~AtFd3() {
    if (saved_ >= 0) {
      ::dup2(saved_, 3);
      ::close(saved_);
    } else {
      ::close(3);
    }
  }
  AtFd3(const AtFd3&) = delete;
  AtFd3& operator=(const AtFd3&) = delete;

 private:
  int saved_;
};

BOOST_AUTO_TEST_CASE(messages_reach_the_notify_socket) {
  NotifySocket manager;
  BOOST_TEST(notify_ready());
  BOOST_TEST(manager.receive() == "READY=1");
  BOOST_TEST(notify_ready("serving 9 feeds,\nsnapshot 1"));
  BOOST_TEST(manager.receive() == "READY=1\nSTATUS=serving 9 feeds, snapshot 1");
  BOOST_TEST(notify_status("serving 12 feeds\nfrom 340 posts"));
  BOOST_TEST(manager.receive() == "STATUS=serving 12 feeds from 340 posts");
  BOOST_TEST(notify_stopping());
  BOOST_TEST(manager.receive() == "STOPPING=1");
  BOOST_TEST(notify_watchdog());
  BOOST_TEST(manager.receive() == "WATCHDOG=1");
}

BOOST_AUTO_TEST_CASE(reloading_carries_the_monotonic_time) {
  NotifySocket manager;
  timespec before{};
  clock_gettime(CLOCK_MONOTONIC, &before);
  BOOST_TEST(notify_reloading());
  std::string message = manager.receive();
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  BOOST_REQUIRE(message.starts_with(prefix));
  auto usec = std::stoull(message.substr(prefix.size()));
  auto before_usec = static_cast<unsigned long long>(before.tv_sec) * 1'000'000ull +
                     static_cast<unsigned long long>(before.tv_nsec) / 1000ull;
  BOOST_TEST(usec >= before_usec);
  BOOST_TEST(usec < before_usec + 5'000'000ull);
}

BOOST_AUTO_TEST_CASE(without_notify_socket_everything_is_a_quiet_no_op) {
  ScopedEnv no_socket("NOTIFY_SOCKET", std::nullopt);
  ScopedEnv no_watchdog("WATCHDOG_USEC", std::nullopt);
  ScopedEnv no_fds("LISTEN_FDS", std::nullopt);
  BOOST_TEST(!notify_ready());
  BOOST_TEST(!notify_status("x"));
  BOOST_TEST(!notify_reloading());
  BOOST_TEST(!notify_stopping());
  BOOST_TEST(!notify_watchdog());
  BOOST_TEST(!watchdog_interval());
  auto fds = listen_fds();
  BOOST_REQUIRE(fds.has_value());
  BOOST_TEST(fds->empty());
}

BOOST_AUTO_TEST_CASE(watchdog_interval_is_read_for_this_process_only) {
  ScopedEnv usec("WATCHDOG_USEC", "30000000");
  {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()));
    BOOST_TEST(watchdog_interval().value() == std::chrono::microseconds(30s));
    BOOST_TEST(watchdog_interval().has_value());  // not consumed
  }
  {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid() + 1));
    BOOST_TEST(!watchdog_interval());
  }
}

BOOST_AUTO_TEST_CASE(socket_activation_hands_over_fd_3) {
  int listener = listening_socket();
  AtFd3 at3(listener);
  ScopedEnv pid("LISTEN_PID", std::to_string(::getpid()));
  ScopedEnv count("LISTEN_FDS", "1");
  auto fds = listen_fds();
  BOOST_REQUIRE(fds.has_value());
  BOOST_REQUIRE(fds->size() == 1u);
  BOOST_TEST(fds->front() == 3);
  BOOST_TEST((::fcntl(3, F_GETFD) & FD_CLOEXEC) != 0);
  BOOST_TEST(::getenv("LISTEN_FDS") == nullptr);  // children will not see it
  // It is the same socket: a client connects to the listener's address through fd 3.
  sockaddr_in addr{};
  socklen_t length = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length);
  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_TEST(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  int accepted = ::accept(3, nullptr, nullptr);
  BOOST_TEST(accepted >= 0);
  ::close(accepted);
  ::close(client);
  ::close(listener);
}

BOOST_AUTO_TEST_CASE(socket_activation_for_another_process_is_ignored) {
  int listener = listening_socket();
  AtFd3 at3(listener);
  ScopedEnv pid("LISTEN_PID", std::to_string(::getpid() + 1));
  ScopedEnv count("LISTEN_FDS", "1");
  auto fds = listen_fds();
  BOOST_REQUIRE(fds.has_value());
  BOOST_TEST(fds->empty());
  ::close(listener);
}

BOOST_AUTO_TEST_CASE(a_passed_descriptor_that_is_not_a_listening_socket_is_an_error) {
  testing::TempDir dir;
  testing::write_file(dir / "file", "x");
  int file = ::open((dir / "file").c_str(), O_RDONLY);
  AtFd3 at3(file);
  ScopedEnv pid("LISTEN_PID", std::to_string(::getpid()));
  ScopedEnv count("LISTEN_FDS", "1");
  auto fds = listen_fds();
  BOOST_TEST(fds.has_error());
  BOOST_TEST((fds.error() == std::errc::not_a_socket));
  ::close(file);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon::systemd
