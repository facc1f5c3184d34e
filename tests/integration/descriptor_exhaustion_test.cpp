// Running out of file descriptors in accept(): a real `feedd serve` with a low RLIMIT_NOFILE
// logs it, keeps running, and serves again once clients leave. Waits for positive signals:
// a log line, a response.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "tests/support/feedd_process.h"
#include "tests/support/raw_client.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(descriptor_exhaustion_test)

namespace {

using namespace std::chrono_literals;

// A connected IPv4 socket to 127.0.0.1:port as a bare descriptor (no io_context: the
// descriptor test opens many), or -1.
int connect_fd(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) {
      ::close(fd);
    }
    return -1;
  }
  return fd;
}

std::size_t open_descriptors(pid_t pid) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++count;
  }
  return count;
}

}  // namespace

BOOST_AUTO_TEST_CASE(out_of_descriptors_in_accept_is_logged_and_survived) {
  TempDir dir;
  write_file(dir / "posts/a.md", "---\ntitle: A\ndate: 2025-01-02\nlang: en\n---\nText.\n");
  const auto config = write_config(dir.path(), dir / "posts", dir / "index.sqlite",
                                   "[server]\nlisten = [\"127.0.0.1:0\"]\ntimeout_s = 2\n");
  std::size_t baseline = 0;
  {
    FeeddProcess probe(config, dir / "probe.log");
    BOOST_REQUIRE(probe.wait_for_port() > 0);
    baseline = open_descriptors(probe.pid());
  }
  // Room for 8 connections; the connection cap (half the limit, this low) is well above.
  const int limit = static_cast<int>(baseline) + 8;
  FeeddProcess feedd(config, dir / "feedd.log", limit);
  const int port = feedd.wait_for_port();
  BOOST_REQUIRE_MESSAGE(port > 0, feedd.log());
  BOOST_TEST(feedd.log().find("open files limit " + std::to_string(limit)) != std::string::npos,
             feedd.log());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
  {
    // Every way a connection ends, once, while descriptors are plentiful: UBSan's vptr
    // check (sanitizer builds) needs a pipe() the first time it meets a type, and would
    // abort feedd if that first time came when no descriptor is left.
    RawClient idle(static_cast<std::uint16_t>(port));
    RawClient refused(static_cast<std::uint16_t>(port));
    BOOST_TEST(refused.request("GET / HTTP/1.1\r\n\r\n").result_int() == 400);
    RawClient served(static_cast<std::uint16_t>(port));
    BOOST_TEST(served.request(request).result_int() == 200);
    served.socket.close();
    RawClient reset(static_cast<std::uint16_t>(port));
    reset.socket.set_option(boost::asio::socket_base::linger(true, 0));
    reset.socket.close();
    BOOST_TEST(idle.closed_within(20s));  // server.timeout_s
  }
  std::vector<int> clients;
  for (int i = 0; i < limit; ++i) {  // more than the process can hold: the kernel queues them
    const int fd = connect_fd(port);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                  static_cast<ssize_t>(request.size()));
    clients.push_back(fd);
  }
  FEEDD_REQUIRE_AFTER(
      eventually([&] { return feedd.log().find("Too many open files") != std::string::npos; }, 20s),
      feedd.log());
  for (std::size_t i = 0; i < clients.size() / 2; ++i) {  // some clients leave
    ::close(clients[i]);
  }
  RawClient late(static_cast<std::uint16_t>(port));
  BOOST_TEST(late.request(request).result_int() == 200);  // served once descriptors free up
  for (std::size_t i = clients.size() / 2; i < clients.size(); ++i) {
    ::close(clients[i]);
  }
  BOOST_TEST(feedd.wait_exit(0ms) == -1, "feedd is still running");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
