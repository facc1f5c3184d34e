// UniqueFd closes what it owns exactly once: on destruction, on reset and on move-assignment,
// and never what it released.
#include "common/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cerrno>

namespace feedd::common {
BOOST_AUTO_TEST_SUITE(unique_fd)

namespace {

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    BOOST_REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    read_end = fds[0];
    write_end = fds[1];
  }
};

BOOST_AUTO_TEST_CASE(destruction_closes) {
  const Pipe p;
  {
    const UniqueFd r(p.read_end);
    const UniqueFd w(p.write_end);
    BOOST_TEST(r.valid());
    BOOST_TEST(r.get() == p.read_end);
    BOOST_TEST(is_open(p.read_end));
  }
  BOOST_TEST(!is_open(p.read_end));
  BOOST_TEST(!is_open(p.write_end));
}

BOOST_AUTO_TEST_CASE(move_transfers_ownership_and_assignment_closes_the_old_one) {
  const Pipe p;
  UniqueFd a(p.read_end);
  UniqueFd b(std::move(a));
  BOOST_TEST(!a.valid());  // NOLINT(bugprone-use-after-move): moved-from is defined as -1
  BOOST_TEST(b.get() == p.read_end);
  UniqueFd c(p.write_end);
  c = std::move(b);
  BOOST_TEST(!is_open(p.write_end));
  BOOST_TEST(is_open(p.read_end));
  BOOST_TEST(c.get() == p.read_end);
  c = UniqueFd();
  BOOST_TEST(!is_open(p.read_end));
}

BOOST_AUTO_TEST_CASE(release_gives_up_without_closing_and_reset_closes) {
  const Pipe p;
  UniqueFd r(p.read_end);
  BOOST_TEST(r.release() == p.read_end);
  BOOST_TEST(!r.valid());
  BOOST_TEST(is_open(p.read_end));
  r.reset(p.read_end);
  UniqueFd w(p.write_end);
  w.reset();
  BOOST_TEST(!is_open(p.write_end));
  BOOST_TEST(!w);
  BOOST_TEST(is_open(p.read_end));
}

BOOST_AUTO_TEST_CASE(none_is_minus_one) {
  const UniqueFd none;
  BOOST_TEST(none.get() == -1);
  BOOST_TEST(!none);
  const UniqueFd failed(open("/nonexistent/feedd-unique-fd", O_RDONLY));
  BOOST_TEST(!failed.valid());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::common
